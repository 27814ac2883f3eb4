"""The inbox's rows built in Python, as `dashboard.tables` builds the district table: rendering 75 rows
through the template engine was about a third of the inbox's time when computed. Every text is escaped
here; the other cells are integers."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .templatetags.dossiers import badge_tone

_PK = 2_147_483_647  # a stand-in for the dossier's id in its page's path, reversed once per list


def dossier_link_pattern() -> tuple[str, str]:
    """The dossier page's path around its id (the URLconf's, whatever its prefix)."""
    path = escape(reverse("assessments:dossier_detail", args=[_PK]))
    before, after = path.split(str(_PK), 1)
    return before, after


def _commune_cell(dossier, link: tuple[str, str], border: str) -> str:
    commune = dossier.commune
    return (
        f'<td><a href="{link[0]}{int(dossier.pk)}{link[1]}">{escape(commune.name)}</a>'
        f"{border if commune.is_border else ''}</td>"
    )


def _state_cell(dossier) -> str:
    return (
        f'<span class="badge badge-{escape(badge_tone(dossier.state))}">{escape(str(dossier.get_state_display()))}'
        "</span>"
    )


def awaiting_rows(dossiers: Iterable, *, parent: bool) -> SafeString:
    """The <tr> rows of "Awaiting my action": commune (a border badge), its parent unit when shown, year,
    state with the reason it was returned, days waiting."""
    link = dossier_link_pattern()
    border = f' <span class="badge badge-info">{escape(_("Border"))}</span>'
    reason_label = escape(_("Reason"))
    parts = []
    for d in dossiers:
        reason = getattr(d, "return_reason", "")
        reason_html = (
            f'<br><span class="reason">{reason_label}: {escape(truncatechars(reason, 160))}</span>'
            if reason
            else ""
        )
        parent_cell = f"<td>{escape(d.commune.parent_unit.name)}</td>" if parent else ""
        parts.append(
            f'<tr>{_commune_cell(d, link, border)}{parent_cell}<td class="num">{int(d.year)}</td>'
            f'<td>{_state_cell(d)}{reason_html}</td><td class="num">{int(d.days_waiting)}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def listed_rows(dossiers: Iterable, *, parent: bool) -> SafeString:
    """The <tr> rows of "All dossiers I may see": commune, parent unit when shown, year, state, set."""
    link = dossier_link_pattern()
    border = f' <span class="badge badge-info">{escape(_("Border"))}</span>'
    parts = []
    for d in dossiers:
        parent_cell = f"<td>{escape(d.commune.parent_unit.name)}</td>" if parent else ""
        parts.append(
            f'<tr>{_commune_cell(d, link, border)}{parent_cell}<td class="num">{int(d.year)}</td>'
            f"<td>{_state_cell(d)}</td><td>{escape(d.criteria_set.title)}</td></tr>"
        )
    if not parts:
        parts.append(f'<tr><td colspan="{5 if parent else 4}">{escape(_("No dossier matches."))}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
