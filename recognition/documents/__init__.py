"""Official documents (văn bản) in the layout of Decree 30/2020/NĐ-CP, rendered to PDF by WeasyPrint.

`kinds` holds one entry per kind of document (template, context, download name, queue, series and
symbol, signature block, what /verify/ shows); `layout` the words of the layout; `entries` the kinds of
decisions, revocations and the police's reports; `render` the PDF. The names below were this module's
before it became a package; they are re-exported for one release.
"""

from . import (
    entries,  # noqa: F401 - registers the kinds of decisions, revocations and reports
    police_papers,  # noqa: F401 - registers the police's papers on a dossier
)
from .entries import summary_chart_svg
from .kinds import KINDS, DocumentKind, Identity, entry, missing_parts, naming_filter, register
from .layout import (
    DRAFT_NUMBER_SPACE,
    RenderError,
    copies_of_decision,
    criterion_wording,
    date_line,
    issuer_lines,
    police_head_title,
    printed_title,
    proposal_line,
    sentence,
    signature_lines,
    signature_of,
    vn_date,
)
from .render import FONT_DIR, download_name, html_to_pdf, render_html, render_pdf

__all__ = [
    "DRAFT_NUMBER_SPACE",
    "FONT_DIR",
    "KINDS",
    "DocumentKind",
    "Identity",
    "RenderError",
    "copies_of_decision",
    "criterion_wording",
    "date_line",
    "download_name",
    "entry",
    "html_to_pdf",
    "issuer_lines",
    "missing_parts",
    "naming_filter",
    "police_head_title",
    "printed_title",
    "proposal_line",
    "register",
    "render_html",
    "render_pdf",
    "sentence",
    "signature_lines",
    "signature_of",
    "summary_chart_svg",
    "vn_date",
]
