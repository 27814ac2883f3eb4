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
