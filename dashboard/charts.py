"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable in any browser and in print.
Each chart is paired with a table of the same figures for screen readers."""

from html import escape

from django.utils.safestring import mark_safe


def bar_chart(
    rows: list[dict], *, label: str, series: list[tuple[str, str, str]], title: str, width: int = 640
) -> str:
    """Horizontal bars, one group per row; `series` is (key, legend, colour)."""
    bar, gap, label_width = 14, 10, 190
    plot = width - label_width - 60
    top = 28
    height = top + len(rows) * (bar * len(series) + gap) + 8
    peak = max([row[key] for row in rows for key, _, _ in series] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(str(title))}" class="chart" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(str(title))}</title>",
    ]
    x = label_width
    for _key, legend, colour in series:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(str(legend))}</text>')
        x += 20 + 8 * len(legend)
    y = top
    # The same strings for every bar, made once (a province of 500 districts draws 1,000 bars).
    label_dy = bar * len(series) / 2 + 4
    bars = [
        (key, f'<rect x="{label_width}" y="', f'" height="{bar - 2}" fill="{colour}"/>')
        for key, _, colour in series
    ]
    for row in rows:
        parts.append(f'<text x="0" y="{y + label_dy}" font-size="12">{escape(str(row[label]))}</text>')
        for key, rect_start, rect_end in bars:
            value = int(row[key])
            length = int(plot * value / peak)
            parts.append(
                f'{rect_start}{y}" width="{length}{rect_end}'
                f'<text x="{label_width + length + 4}" y="{y + bar - 4}" font-size="11">{value}</text>'
            )
            y += bar
        y += gap
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label above is escaped
