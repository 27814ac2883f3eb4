from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.forms import MAX_TEXT, DayInput, VersionedForm
from communes.fields import PlainIntegerField
from communes.signing import SigningCapacity


def signer_title_field(help_text="") -> forms.CharField:
    """The signer's title as printed above the signature (e.g. "Phó Chủ tịch" signs as KT. CHỦ TỊCH)."""
    return forms.CharField(label=_("Signer's title"), required=False, max_length=150, help_text=help_text)


def signer_capacity_field() -> forms.ChoiceField:
    """How the signer signs (as the head, KT., Q., TL., TUQ.): their post's capacity unless chosen;
    left empty, read from the title."""
    return forms.ChoiceField(
        label=_("Signing capacity"), required=False, choices=[("", "—"), *SigningCapacity.choices]
    )


class DecisionForm(VersionedForm):
    """Quyết định: recognise, refuse (reasons required), or send back to the police (reason required)."""

    OUTCOMES = [
        ("recognised", _("Recognise the commune")),
        ("not_recognised", _("Do not recognise the commune")),
        ("send_back", _("Send back to the district police")),
    ]

    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()
    signer_capacity = signer_capacity_field()
    reasons = forms.CharField(
        label=_("Reasons"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, recommendation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # What the police recommended ("recognise", "not_recognise"): deciding otherwise needs reasons.
        self.recommendation = recommendation

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return day

    def goes_against_recommendation(self) -> bool:
        outcome = (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get("outcome")
        if not self.recommendation or outcome not in ("recognised", "not_recognised"):
            return False
        return (self.recommendation == "recognise") != (outcome == "recognised")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reasons") or "").strip():
            if cleaned.get("outcome") in ("not_recognised", "send_back"):
                self.add_error("reasons", _("Give the reasons."))
            elif self.goes_against_recommendation():
                self.add_error(
                    "reasons",
                    _(
                        "The police recommended not to recognise the commune: give the reasons for recognising it."
                    ),
                )
        return cleaned


class RevocationForm(forms.Form):
    incident_date = forms.DateField(label=_("Date of the incident"), widget=DayInput())
    incident_description = forms.CharField(
        label=_("The incident (the drug case)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Why the commune no longer qualifies"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(
        label=_("Date of the revocation decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()
    signer_capacity = signer_capacity_field()

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        incident, decided = cleaned.get("incident_date"), cleaned.get("decided_on")
        if incident and incident > today:
            self.add_error("incident_date", _("The date cannot be in the future."))
        if decided and decided > today:
            self.add_error("decided_on", _("The date cannot be in the future."))
        if incident and decided and incident > decided:
            self.add_error("incident_date", _("The incident must come before the decision."))
        return cleaned


class SummaryForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2022, max_value=2100, initial=lambda: timezone.localdate().year
    )
    issued_on = forms.DateField(
        label=_("Date of the dispatch"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(_("“Phó Giám đốc” signs on the director's behalf (KT. GIÁM ĐỐC)."))
    signer_capacity = signer_capacity_field()

    def clean(self):
        cleaned = super().clean()
        year, day = cleaned.get("year"), cleaned.get("issued_on")
        if day and day > timezone.localdate():
            self.add_error("issued_on", _("The date cannot be in the future."))
        elif day and year and day.year < year:
            self.add_error(
                "issued_on", _("A summary of %(year)s cannot be dated before that year.") % {"year": year}
            )
        return cleaned


class IssueForm(forms.Form):
    """Vào sổ: the number and date of issue the office's register gave an approved decision."""

    number = PlainIntegerField(label=_("Number in the register"), min_value=1, max_value=99999)
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    dispatch_number = PlainIntegerField(
        label=_("Number of the dispatch to the commune"), min_value=1, max_value=99999, required=False
    )

    def __init__(self, *args, needs_dispatch: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_dispatch:
            self.fields["dispatch_number"].required = True
        else:
            del self.fields["dispatch_number"]

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class CollectiveDecisionForm(forms.Form):
    """The chairman's decision: which recommended communes it recognises (the rest left out, with a
    reason), its date and the signer's title."""

    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(_("“Phó Chủ tịch” signs on the chairman's behalf (KT. CHỦ TỊCH)."))
    signer_capacity = signer_capacity_field()

    # The communes the page was opened on: a decision confirmed from a stale page is refused with
    # what changed since, never recorded on another list than the one the chairman read.
    opened_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        current = ",".join(str(d.pk) for d in sorted(self.candidates, key=lambda d: d.pk))
        self.fields["opened_on"].initial = current
        self.changed_since: dict[str, list[str]] = {}
        if self.is_bound and self.data.get("opened_on", current) != current:
            self._note_changes(current)
        for dossier in self.candidates:
            self.fields[f"include_{dossier.pk}"] = forms.BooleanField(
                label=dossier.commune.name, required=False, initial=True
            )
            self.fields[f"reason_{dossier.pk}"] = forms.CharField(
                label=_("Reason for leaving it out"), required=False, max_length=MAX_TEXT
            )

    def _note_changes(self, current: str) -> None:
        """The communes added to and gone from the list since the page was opened; the form goes on
        with what was typed, on the current list (a commune added is listed, as on a fresh page)."""
        from assessments.models import Dossier

        opened = {int(pk) for pk in self.data.get("opened_on", "").split(",") if pk.isdigit()}
        now = {d.pk: d for d in self.candidates}
        gone = Dossier.objects.filter(pk__in=opened - set(now)).select_related("commune")
        self.changed_since = {
            "added": [now[pk].commune.name for pk in sorted(set(now) - opened)],
            "gone": sorted(d.commune.name for d in gone),
        }
        self.data = self.data.copy()
        self.data["opened_on"] = current
        for pk in set(now) - opened:
            self.data[f"include_{pk}"] = "on"

    def clean(self):
        cleaned = super().clean()
        if self.changed_since:
            self.add_error(
                None,
                _(
                    "The list of recommended communes changed since you opened the page; nothing was "
                    "recorded. Check the list below, then confirm again."
                ),
            )
        for dossier in self.candidates:
            if (
                not cleaned.get(f"include_{dossier.pk}")
                and not (cleaned.get(f"reason_{dossier.pk}") or "").strip()
            ):
                self.add_error(f"reason_{dossier.pk}", _("Give the reason for leaving this commune out."))
        day = cleaned.get("decided_on")
        if day and day > timezone.localdate():
            self.add_error("decided_on", _("The decision cannot be dated in the future."))
        return cleaned

    def rows(self):
        for dossier in self.candidates:
            yield dossier, self[f"include_{dossier.pk}"], self[f"reason_{dossier.pk}"]

    def listed(self) -> list[int]:
        return [d.pk for d in self.candidates if self.cleaned_data.get(f"include_{d.pk}")]

    def left_out(self) -> dict[int, str]:
        return {
            d.pk: self.cleaned_data.get(f"reason_{d.pk}", "")
            for d in self.candidates
            if not self.cleaned_data.get(f"include_{d.pk}")
        }


class ReportForm(forms.Form):
    """The report to the Ministry: its date (default today) and the signer's title."""

    issued_on = forms.DateField(
        label=_("Date of the report"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(
        _(
            "Printed in the signature block: “Giám đốc” signs as GIÁM ĐỐC; “Phó Giám đốc” signs on the "
            "director's behalf (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)."
        )
    )
    signer_capacity = signer_capacity_field()


class SentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent to the Ministry on"),
        widget=DayInput(attrs={"aria-label": _("Sent to the Ministry on")}),
        initial=timezone.localdate,
    )


class DecideSeveralForm(forms.Form):
    """Quyết định nhiều hồ sơ (district procedure): the appraised dossiers with the police's
    recommendation; each gets its own outcome (the recommendation by default) and, when needed, reasons;
    one date and signer for all. Each decision is still numbered and documented on its own."""

    CHOICES = [
        ("", _("Not now")),
        ("recognised", _("Recognise")),
        ("not_recognised", _("Do not recognise")),
    ]

    decided_on = forms.DateField(
        label=_("Date of the decisions"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()
    signer_capacity = signer_capacity_field()

    def __init__(self, *args, dossiers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossiers = dossiers
        for d in dossiers:
            recommended = getattr(getattr(d, "appraisal", None), "recommendation", "")
            self.fields[f"outcome_{d.pk}"] = forms.ChoiceField(
                label=_("Decision"),
                choices=self.CHOICES,
                required=False,
                initial="recognised"
                if recommended == "recognise"
                else "not_recognised"
                if recommended
                else "",
            )
            self.fields[f"reasons_{d.pk}"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.decisions():
            raise forms.ValidationError(_("Choose a decision for at least one dossier."))
        for dossier, outcome, reasons, against in self.decisions():
            if reasons:
                continue
            if outcome == "not_recognised":
                self.add_error(f"reasons_{dossier.pk}", _("Give the reasons."))
            elif against:
                self.add_error(
                    f"reasons_{dossier.pk}",
                    _(
                        "The police recommended not to recognise the commune: give the reasons for recognising it."
                    ),
                )
        return cleaned

    def decisions(self) -> list[tuple]:
        """(dossier, outcome, reasons, against the recommendation) for each dossier decided now."""
        out = []
        for d in self.dossiers:
            outcome = self.cleaned_data.get(f"outcome_{d.pk}")
            if not outcome:
                continue
            recommended = getattr(getattr(d, "appraisal", None), "recommendation", "")
            against = bool(recommended) and (recommended == "recognise") != (outcome == "recognised")
            out.append((d, outcome, (self.cleaned_data.get(f"reasons_{d.pk}") or "").strip(), against))
        return out

    def rows(self):
        for d in self.dossiers:
            yield d, self[f"outcome_{d.pk}"], self[f"reasons_{d.pk}"]
