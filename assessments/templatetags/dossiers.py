from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

_BADGE = {
    "draft": "info",
    "returned": "warn",
    "submitted": "info",
    "under_appraisal": "info",
    "appraised": "info",
    "recognised": "ok",
    "not_recognised": "bad",
    "revoked": "bad",
    "expired": "warn",
}

ACTION_LABELS = {
    "submit": _("Submit to the district police"),
    "start_appraisal": _("Start the appraisal"),
    "return_to_commune": _("Return to the commune"),
    "complete_appraisal": _("Complete the appraisal"),
}


@register.inclusion_tag("assessments/_state_badge.html")
def state_badge(dossier):
    return {"label": dossier.get_state_display(), "tone": _BADGE.get(dossier.state, "info")}


@register.filter
def action_label(name: str) -> str:
    return ACTION_LABELS.get(name, name)


@register.filter
def met_label(value) -> str:
    if value is None:
        return "—"
    return _("Met") if value else _("Not met")
