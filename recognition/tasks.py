"""Celery tasks of recognition: thin, they take ids and call the services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def render_document(self, document_id: int) -> str:
    """Render one PDF. Retried with exponential backoff; after the last try the document is marked
    failed, and a person can ask for it again from the dossier page."""
    from .documents import RenderError
    from .models import Document
    from .services.documents import document_mark_failed, document_render

    max_retries = settings.DOCUMENT_RENDER_MAX_RETRIES
    try:
        document = document_render(document_id=document_id)
    except Document.DoesNotExist:
        # A draft replaced by the issued document (the clerk numbered it) before its turn came.
        logger.info("document %s no longer exists: nothing to render", document_id)
        return "gone"
    except (RenderError, SoftTimeLimitExceeded, OSError) as exc:
        if self.request.is_eager or self.request.retries >= max_retries:
            logger.error("document %s failed: %s", document_id, exc)
            document_mark_failed(document_id=document_id, error=f"{exc.__class__.__name__}: {exc}")
            return "failed"
        countdown = settings.DOCUMENT_RENDER_BACKOFF_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown, max_retries=max_retries) from exc
    return document.status


@shared_task(acks_late=True)
def sweep_pending_documents() -> int:
    from .services.documents import documents_sweep

    return documents_sweep()


@shared_task(acks_late=True)
def expire_recognitions() -> int:
    from .services.keeping_clean import recognitions_expire

    return recognitions_expire()


@shared_task(acks_late=True)
def open_reevaluations(year: int | None = None) -> int:
    from .services.keeping_clean import reevaluations_open

    return reevaluations_open(year=year or timezone.localdate().year)
