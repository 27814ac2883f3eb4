"""Long tables of the dashboard built in Python: at national scale the district table has about 500 rows
of 12 cells, which the template engine (or format_html per cell) renders many times slower than this."""

from __future__ import annotations

from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .selectors import DistrictRow


def district_table_rows(rows: list[DistrictRow], *, year: int) -> SafeString:
    """The <tr> rows of the table by district. Text is escaped here; the other cells are integers."""
    badge = f' <span class="badge badge-info">{escape(_("Border"))}</span>'
    year = int(year)
    parts = []
    for row in rows:
        counts = "".join(f'<td class="num">{int(n)}</td>' for n in row.counts.values())
        name = (
            f'<a href="?year={year}&amp;district={escape(row.code)}#communes-title">{escape(row.name)}</a>'
            if row.code
            else escape(row.name)
        )
        parts.append(
            f'<tr><th scope="row">{name}{badge if row.is_border else ""}</th>'
            f'<td class="num">{int(row.communes)}</td><td class="num">{int(row.not_started)}</td>{counts}'
            f'<td class="num">{escape(number_format(row.percent, 1))}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
