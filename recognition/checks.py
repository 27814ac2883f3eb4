"""Start-up checks: every kind of document has its whole entry (recognition.documents.kinds)."""

from django.core import checks


@checks.register()
def document_kinds_complete(app_configs=None, **kwargs):
    from .documents.kinds import missing_parts
    from .models import Document

    return [
        checks.Error(
            f"The document kind {kind!r} lacks: {', '.join(parts)}.",
            hint="Register its entry (recognition.documents.kinds.register) with every part.",
            id="recognition.E001",
        )
        for kind, parts in missing_parts(Document.Kind.values).items()
    ]


@checks.register(deploy=True)
def licensed_document_font(app_configs=None, **kwargs):
    """Decree 30 names Times New Roman: without the province's licensed files the documents are printed
    in Liberation Serif (metric-compatible, named as such in the PDF)."""
    from django.conf import settings

    from .documents.fonts import LICENSED_FILES, licensed_folder

    folder = getattr(settings, "DOCUMENT_FONT_DIR", "")
    if licensed_folder() is not None:
        return []
    problem = (
        "DOCUMENT_FONT_DIR is not set"
        if not folder
        else f"DOCUMENT_FONT_DIR ({folder}) does not hold {', '.join(LICENSED_FILES)}"
    )
    return [
        checks.Warning(
            f"{problem}: the documents are printed in Liberation Serif, not Times New Roman.",
            hint="Point DOCUMENT_FONT_DIR to the folder of the province's licensed Times New Roman files.",
            id="recognition.W001",
        )
    ]
