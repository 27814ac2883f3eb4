"""The scan of a signed and stamped paper (bản quét văn bản giấy) a clerk of a body on paper attaches:
a PDF whose pages are colour images of at least 200 dpi, so the blue signature and the red seal show."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

MIN_DPI = 200
GREY_MODES = {"1", "L", "LA", "I", "I;16", "F"}


class ScanRefused(ValueError):
    pass


def check_scan(data: bytes) -> None:
    """Raise ScanRefused, in Vietnamese, unless every page of the PDF is a colour scan of ≥ 200 dpi."""
    import pypdf

    if not data.startswith(b"%PDF"):
        raise ScanRefused(_("The scan must be a PDF file."))
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except Exception as error:  # pypdf raises many kinds of errors for a damaged file
        raise ScanRefused(_("The file is not a readable PDF file.")) from error
    if not pages:
        raise ScanRefused(_("The file is not a readable PDF file."))
    for number, page in enumerate(pages, start=1):
        images = [image.image for image in page.images if image.image is not None]
        if not images:
            raise ScanRefused(_("Page %(n)s is not a scanned image.") % {"n": number})
        largest = max(images, key=lambda image: image.width * image.height)
        dpi = largest.width / (float(page.mediabox.width) / 72)
        if dpi < MIN_DPI - 0.5:
            raise ScanRefused(
                _("Page %(n)s is scanned at %(dpi)s dpi; at least %(min)s dpi is needed.")
                % {"n": number, "dpi": round(dpi), "min": MIN_DPI}
            )
        if largest.mode in GREY_MODES:
            raise ScanRefused(
                _("Page %(n)s is scanned in black and white or grey; scan it in colour.") % {"n": number}
            )
