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
