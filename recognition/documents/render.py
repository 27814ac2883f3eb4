"""Rendering a document to PDF (WeasyPrint) from its kind's entry: the template filled by the context
builder, the PDF's properties and verification code, the fonts that ship with the project."""

from __future__ import annotations

import atexit
import functools
import unicodedata
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from ..models import Document
from .fonts import SHIPPED, Typeface, typeface
from .kinds import entry
from .layout import RenderError, nfc_all

# The shipped fonts (one home: documents.fonts); the name is kept for the callers of before.
FONT_DIR = SHIPPED


def _metadata(document: Document, identity) -> dict:
    """The PDF's Author (the issuing body), Subject (commune or province, and year) and Keywords: each
    file names itself in a records system, not only "Quyết định 01/QĐ-UBND"."""
    dossier = document.dossier
    if dossier is not None:
        keywords = f"{dossier.criteria_set.recognition_term}; {dossier.commune.code}; {dossier.year}"
    else:
        keywords = f"tổng hợp; {document.year}"
    return {"pdf_subject": identity.about, "pdf_author": identity.issuer, "pdf_keywords": keywords}


def _verification(document: Document) -> dict:
    """The code and QR code anyone can check the document with (/verify/<code>/, no sign-in)."""
    if not document.verification_code:
        return {}
    import segno
    from django.conf import settings
    from django.urls import reverse

    url = settings.SITE_URL.rstrip("/") + reverse("verify", args=[document.verification_code])
    # Vector graphics, drawn by segno: sharp at any print size.
    qr = segno.make(url, error="m").svg_inline(scale=1, omitsize=True)
    return {
        "verify_url": url,
        "verify_code": document.verification_display,
        "verify_qr": mark_safe(qr),  # noqa: S308 - segno's own SVG of our own URL
        # Kept with the signature block (never alone on a page) where the document has one.
        "verify_in_signature": entry(document.kind).signature_block,
    }


def render_html(document: Document) -> str:
    kind = entry(document.kind)
    # Official documents are always Vietnamese, whatever the language of the person asking.
    with translation.override("vi"):
        context = kind.context(document)
        if kind.signs_for and "signer_lines" in context:
            # The collective's competence (Decree 30, App. I II.7.a): "TM." and its name come first.
            context["signer_lines"] = [f"TM. {kind.signs_for}", *context["signer_lines"]]
        context["draft"] = document.draft
        context["electronic"] = issued_electronically(document)
        context.update(_metadata(document, kind.identity(document)))
        context.update(_verification(document))
        html = render_to_string(kind.template, nfc_all(context))
    return unicodedata.normalize("NFC", html)


def issued_electronically(document: Document) -> bool:
    """Whether the body that signs `document` issues electronic originals (its digital signatures)."""
    from communes.models import IssuingBody

    if document.draft or not document.issuer_code:
        return False
    return IssuingBody.objects.filter(
        code=document.issuer_code, issuance=IssuingBody.Issuance.ELECTRONIC
    ).exists()


def download_name(document: Document) -> str:
    """'Quyết định 05-QĐ-UBND - Xã Mỹ Lý - 2024.pdf' ('/' is not allowed in a file name): the kind's
    label, the document's own number (none for a draft), the commune of a dossier's document, the year."""
    kind = entry(document.kind)
    label, number = kind.download_label, kind.identity(document).number
    if document.draft:
        label, number = f"Dự thảo {label[0].lower()}{label[1:]}", ""
    parts = [label + (f" {number}".replace("/", "-") if number else "")]
    if document.dossier_id:
        parts.append(document.dossier.commune.name)
    parts.append(str(document.year))
    return " - ".join(parts) + ".pdf"


def _font_fetcher(allowed: set[Path]):
    """A WeasyPrint fetcher for our own font files only: never the network, never another file on
    the machine. Errors stop the rendering, so a PDF never silently falls back to a system font."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    class FontFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not url.startswith("file:") or not any(folder in path.parents for folder in allowed):
                raise ValueError(f"refused to fetch {url}")
            return super().fetch(url, headers)

    return FontFetcher(allowed_protocols={"file"}, fail_on_errors=True)


@functools.lru_cache(maxsize=4)
def _renderer(face: Typeface):
    """What every document of this process shares, made once (WeasyPrint's documented way to render
    many documents): one FontConfiguration, the documents' stylesheet parsed with it (its @font-face
    rules registered once), and the fetcher of our font files. Building a FontConfiguration per document
    cost about 16 ms of 106 (bench/render_all.py)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = _font_fetcher({SHIPPED, face.folder})
    with translation.override("vi"):
        text = render_to_string(
            "recognition/pdf/document.css", {"font_family": face.family, "font_faces": face.faces}
        )
    stylesheet = CSS(string=text, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher, font_config=fonts)
    return fonts, stylesheet, fetcher


# Released before the interpreter tears its modules down (WeasyPrint's FontConfiguration.__del__ needs
# them: "TypeError: 'NoneType' object is not callable" at exit otherwise).
atexit.register(_renderer.cache_clear)


def preload(queues: set[str]) -> bool:
    """In a worker's main process, before it forks its pool, when it consumes a queue documents are
    rendered on: import WeasyPrint (about a second and 30 MB) and compile the documents' templates, so
    that every child, and each child that replaces a recycled one, starts with them instead of paying
    for them on its first document. The fonts are not loaded here: a FontConfiguration is made in the
    process that renders (`_renderer`), never shared across a fork. Returns whether it preloaded."""
    from django.template.loader import get_template

    from .kinds import KINDS

    if not queues & {kind.queue for kind in KINDS.values()}:
        return False
    import weasyprint  # noqa: F401 - imported for the children
    from weasyprint.text import fonts  # noqa: F401

    for kind in KINDS.values():
        get_template(kind.template)
    get_template("recognition/pdf/document.css")
    return True


def html_to_pdf(html: str) -> bytes:
    # Imported here: importing WeasyPrint costs about a second and loads system libraries.
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        fonts, stylesheet, fetcher = _renderer(typeface())
        # PDF/A-3b: the form expected for electronic records kept in an archive (fonts embedded, an
        # output intent, XMP identification).
        return HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/a-3b"
        )
    except FatalURLFetchingError as exc:  # a BaseException: it must not escape the task
        raise RenderError(str(exc)) from exc


def render_pdf(document: Document) -> bytes:
    try:
        return html_to_pdf(render_html(document))
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint and template errors alike: the caller records the failure
        raise RenderError(f"{exc.__class__.__name__}: {exc}") from exc
