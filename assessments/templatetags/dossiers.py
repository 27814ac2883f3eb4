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


def badge_tone(state: str) -> str:
    """The badge's colour of a state (a state the table adds later shows as information)."""
    return _BADGE.get(state, "info")


@register.inclusion_tag("assessments/_state_badge.html")
def state_badge(dossier):
    return {"label": dossier.get_state_display(), "tone": badge_tone(dossier.state)}


@register.filter
def met_label(value) -> str:
    if value is None:
        return "—"
    return _("Met") if value else _("Not met")
