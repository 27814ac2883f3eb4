"""The forms of recording: a decision issued outside the application, with its communes, and a file of
such decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province
from communes.signing import SigningCapacity
from communes.text import in_sentence
from recognition.models import RecordedOutcome

LINES_SHOWN = 5  # empty rows offered for the communes; more come with "Add rows"


def _unit_choices(province: Province) -> list[tuple[str, str]]:
    """The province's People's Committee, then every district's that ever was (ceased ones included)."""
    choices = [(f"province:{province.pk}", f"Ủy ban nhân dân {in_sentence(province.name)}")]
    for district in District.objects.filter(province=province).order_by("name"):
        until = f" (đến {district.valid_until:%d/%m/%Y})" if district.valid_until else ""
        choices.append((f"district:{district.pk}", f"Ủy ban nhân dân {in_sentence(district.name)}{until}"))
    return choices


def _commune_label(commune: Commune) -> str:
    parent = commune.district.name if commune.district_id else ""
    when = []
    if commune.valid_from:
        when.append(f"từ {commune.valid_from:%d/%m/%Y}")
    if commune.valid_until:
        when.append(f"đến {commune.valid_until:%d/%m/%Y}")
    return " — ".join(filter(None, [f"{commune.name} ({commune.code})", parent, ", ".join(when)]))


class PastDecisionForm(forms.Form):
    """Ghi nhận quyết định: what the paper says, the communes it names and the file."""

    unit = forms.ChoiceField(label=_("Issuing body"))
    number = forms.IntegerField(label=_("Number of the decision"), min_value=1)
    symbol = forms.CharField(
        label=_("Symbol"), max_length=40, required=False, help_text=_("Empty: the body's own (QĐ-UBND).")
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    signer_capacity = forms.ChoiceField(
        label=_("Signing capacity"),
        choices=[("", _("From the title"))] + list(SigningCapacity.choices),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Scan or signed file (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    held_attachment = forms.CharField(required=False, widget=forms.HiddenInput)
    held_attachment_name = forms.CharField(required=False, widget=forms.HiddenInput)
    lines = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, province: Province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["unit"].choices = _unit_choices(province)
        communes = (
            Commune.objects.filter(province=province)
            .select_related("district")
            .order_by("district__name", "name", "valid_from")
        )
        commune_choices = [("", "—")] + [(str(c.pk), _commune_label(c)) for c in communes]
        self.communes = {str(c.pk): c for c in communes}
        count = LINES_SHOWN
        if self.data.get("lines", "").isdigit():
            count = max(1, min(int(self.data["lines"]), 200))
        if "more" in self.data:
            count += LINES_SHOWN
        self.line_count = count
        self.initial["lines"] = count
        for i in range(count):
            self.fields[f"commune_{i}"] = forms.ChoiceField(
                label=_("Commune"), choices=commune_choices, required=False
            )
            self.fields[f"year_{i}"] = forms.IntegerField(
                label=_("Evaluated year"), min_value=2000, max_value=2100, required=False
            )
            self.fields[f"outcome_{i}"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=[("", "—")] + list(RecordedOutcome.Outcome.choices),
                required=False,
            )
            self.fields[f"reasons_{i}"] = forms.CharField(
                label=_("Reasons"), required=False, widget=forms.TextInput
            )

    def rows(self):
        """The commune rows as (commune, year, outcome, reasons) bound fields, for the template."""
        return [
            (self[f"commune_{i}"], self[f"year_{i}"], self[f"outcome_{i}"], self[f"reasons_{i}"])
            for i in range(self.line_count)
        ]

    def clean_unit(self):
        kind, _sep, pk = self.cleaned_data["unit"].partition(":")
        model = Province if kind == "province" else District
        unit = model.objects.filter(pk=pk).first() if pk.isdigit() else None
        if unit is None or (kind == "district" and unit.province_id != self.province.pk):
            raise forms.ValidationError(_("Choose the issuing body."))
        return unit

    def clean(self):
        cleaned = super().clean()
        lines = []
        for i in range(self.line_count):
            commune, year, outcome = (
                cleaned.get(f"commune_{i}"),
                cleaned.get(f"year_{i}"),
                cleaned.get(f"outcome_{i}"),
            )
            if not (commune or year or outcome):
                continue
            if not (commune and year and outcome):
                self.add_error(f"commune_{i}", _("Give the commune, the year and the outcome of this row."))
                continue
            lines.append((self.communes[commune], year, outcome, cleaned.get(f"reasons_{i}", "")))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Name at least one commune and its outcome."))
        cleaned["outcome_lines"] = lines
        return cleaned


class MultiplePdfInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PastDecisionsFileForm(forms.Form):
    """Nhập từ tệp: a CSV or XLSX table of past decisions, with the files its column `tep` names."""

    table = forms.FileField(
        label=_("Table of decisions (CSV or XLSX)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    attachments = forms.FileField(
        label=_("Scans or signed files the table names (PDF)"),
        required=False,
        widget=MultiplePdfInput(attrs={"accept": "application/pdf"}),
    )
    held = forms.CharField(required=False, widget=forms.HiddenInput)
