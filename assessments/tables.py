"""The inbox's rows, and the dossier page's criteria, built in Python as `dashboard.tables` builds the
district table: rendering 75 rows through the template engine was about a third of the inbox's time
when computed, and the criteria's rows most of the dossier record's. Every text is escaped here; the
other cells are integers."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.template.defaultfilters import filesizeformat, truncatechars
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


def criterion_rows_html(rows: Iterable[dict], *, dossier_pk: int, with_finding: bool) -> SafeString:
    """The <tr> rows of the self-assessment (`selectors.criterion_rows`): the criterion and the commune's
    explanation, the target, the commune's value (computed, carried over), met or not, the evidence
    files with their links, and the police finding when the dossier has an appraisal."""
    path = escape(reverse("assessments:evidence_download", args=[_PK, _PK - 1]))
    before, rest = path.split(str(_PK), 1)
    middle, after = rest.split(str(_PK - 1), 1)
    dossier_part = f"{before}{int(dossier_pk)}{middle}"
    computed = f' <span class="muted">({escape(_("computed"))})</span>'
    carried = f' <span class="badge">{escape(_("carried over"))}</span>'
    met = {
        None: "—",
        True: f'<span class="badge badge-ok">{escape(_("Met"))}</span>',
        False: f'<span class="badge badge-bad">{escape(_("Not met"))}</span>',
    }
    required = f'<li><span class="muted">{escape(_("required, none yet"))}</span></li>'
    parts = []
    for row in rows:
        criterion, answer, finding = row["criterion"], row["answer"], row.get("finding")
        explanation = (
            f'<br><span class="muted">{escape(answer.explanation)}</span>'
            if answer and answer.explanation
            else ""
        )
        if answer:
            value = escape(answer.value_display) + (computed if criterion.is_computed else "")
            value += carried if answer.carried_over else ""
        else:
            value = "—"
        files = "".join(
            f'<li><a href="{dossier_part}{int(e.pk)}{after}">{escape(e.original_name)}</a>'
            f' <span class="muted">({escape(filesizeformat(e.size))})</span></li>'
            for e in row["evidence"]
        ) or (required if criterion.evidence_required else "<li>—</li>")
        finding_cell = ""
        if with_finding:
            if finding:
                note = f'<br><span class="muted">{escape(finding.note)}</span>' if finding.note else ""
                finding_cell = f"<td>{escape(str(finding.get_result_display()))}{note}</td>"
            else:
                finding_cell = "<td>—</td>"
        is_met = row["is_met"]
        parts.append(
            f'<tr><th scope="row"><strong>{escape(criterion.code)}</strong> {escape(criterion.text)}'
            f"{explanation}</th><td>{escape(criterion.target_display)}</td><td>{value}</td>"
            f"<td>{met[None if is_met is None else bool(is_met)]}</td>"
            f'<td><ul class="evidence-list">{files}</ul></td>{finding_cell}</tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
