"""Celery tasks of recognition: thin, they take ids and call the services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def render_document(self, document_id: int) -> str:
    """Render one PDF. Retried with backoff; after the last try the document is marked failed,
    and a person can ask for it again from the dossier page."""
    from .documents import RenderError
    from .services import document_mark_failed, document_render

    try:
        document = document_render(document_id=document_id)
    except (RenderError, SoftTimeLimitExceeded, OSError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.error("document %s failed: %s", document_id, exc)
            document_mark_failed(document_id=document_id, error=str(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
    return document.status


@shared_task(acks_late=True)
def sweep_pending_documents() -> int:
    from .services import documents_sweep

    return documents_sweep()


@shared_task(acks_late=True)
def expire_recognitions() -> int:
    from .services import recognitions_expire

    return recognitions_expire()


@shared_task(acks_late=True)
def open_reevaluations(year: int | None = None) -> int:
    from .services import reevaluations_open

    return reevaluations_open(year=year or timezone.localdate().year)
