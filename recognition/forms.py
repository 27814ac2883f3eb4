from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.forms import MAX_TEXT, VersionedForm


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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150)
    reasons = forms.CharField(
        label=_("Reasons"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") in ("not_recognised", "send_back")
            and not (cleaned.get("reasons") or "").strip()
        ):
            self.add_error("reasons", _("Give the reasons."))
        return cleaned


class RevocationForm(forms.Form):
    incident_date = forms.DateField(
        label=_("Date of the incident"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    signer_title = forms.CharField(label=_("Signer's title"), required=False, max_length=150)

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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    signer_title = forms.CharField(
        label=_("Signer's title"),
        required=False,
        max_length=150,
        help_text=_("“Phó Giám đốc” signs on the director's behalf (KT. GIÁM ĐỐC)."),
    )

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

    number = forms.IntegerField(label=_("Number in the register"), min_value=1, max_value=99999)
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    dispatch_number = forms.IntegerField(
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
