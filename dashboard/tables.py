"""Long tables of the dashboard built in Python: at national scale the district table has about 500 rows
of 12 cells, which the template engine (or format_html per cell) renders many times slower than this;
the commune list's 50 rows through the template were about a fifth of the computed dashboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments.tables import dossier_link_pattern

from .selectors import DistrictRow


def district_table_rows(rows: list[DistrictRow], *, year: int) -> SafeString:
    """The <tr> rows of the table by district. Text is escaped here; the other cells are integers."""
    badge = f' <span class="badge badge-info">{escape(_("Border"))}</span>'
    year = int(year)
    # The rate as number_format(percent, 1) writes it (below 100: no grouping), the separator read once:
    # number_format per row was a fifth of this table at 500 districts.
    decimal = escape(str(get_format("DECIMAL_SEPARATOR")))
    parts = []
    for row in rows:
        counts = '<td class="num">' + '</td><td class="num">'.join(map(str, map(int, row.counts.values())))
        name = (
            f'<a href="?year={year}&amp;district={escape(row.code)}#communes-title">{escape(row.name)}</a>'
            if row.code
            else escape(row.name)
        )
        parts.append(
            f'<tr><th scope="row">{name}{badge if row.is_border else ""}</th>'
            f'<td class="num">{int(row.communes)}</td><td class="num">{int(row.not_started)}</td>{counts}</td>'
            f'<td class="num">{f"{float(row.percent):.1f}".replace(".", decimal)}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def commune_table_rows(communes: Iterable, *, state_label: Callable[[str | None], str]) -> SafeString:
    """The <tr> rows of the commune list: GSO code, name (a link to the year's dossier, if any, and a
    border badge), district, the state's column label (`state_label(dossier_state)`). Text is escaped here."""
    link = dossier_link_pattern()
    badge = f' <span class="badge badge-info">{escape(_("Border"))}</span>'
    parts = []
    for c in communes:
        name = escape(c.name)
        if c.dossier_id:
            name = f'<a href="{link[0]}{int(c.dossier_id)}{link[1]}">{name}</a>'
        district = escape(c.district.name) if c.district_id else ""
        parts.append(
            f"<tr><td>{escape(c.code)}</td><td>{name}{badge if c.is_border else ''}</td>"
            f"<td>{district}</td><td>{escape(str(state_label(c.dossier_state)))}</td></tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
