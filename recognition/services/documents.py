"""Documents: requested with their number, rendered by the workers, mailed, retried and swept. Each public function is one transaction."""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.services import (
    DossierActionError,
)
from communes.models import IssuingBody
from outbox.services import Letter, emails_queue

from ..documents import kinds
from ..models import Document
from ..permissions import (
    can_manage_document,
)
from ..selectors import failed_documents
from .common import _next_number
from .signatures import stage_after_render, tell_awaiting_signature

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def _save(document: Document) -> Document:
    document.save()
    return document


def numbered_document_request(
    *, kind: str, body: IssuingBody, issued_on: datetime.date, label: str, **fields
) -> Document:
    """A document numbered in `body`'s register, in its kind's series and with the body's symbol for it
    (the kind's entry), sent to the workers once the caller's transaction commits."""
    series = kinds.entry(kind).series
    document = Document.objects.create(
        kind=kind,
        requested_at=timezone.now(),
        issued_on=issued_on,
        number=_next_number(body=body, series=series, issued_on=issued_on, label=label),
        symbol=body.symbol(series),
        issuer_code=body.code,
        **fields,
    )
    _enqueue_after_commit([document.pk])
    return document


def _enqueue_after_commit(document_ids: list[int]) -> None:
    transaction.on_commit(lambda: documents_enqueue(document_ids=document_ids))


def documents_enqueue(*, document_ids: list[int]) -> int:
    """Send render tasks; a broker that is down loses nothing: the documents stay pending and the
    periodic sweep sends them again. Returns how many were sent. Summaries go to a queue of their
    own (the kind's entry names its queue), so that a burst of them never delays a commune's decision."""
    from ..tasks import render_document

    kind_of = dict(Document.objects.filter(pk__in=document_ids).values_list("pk", "kind"))
    sent = 0
    for document_id in document_ids:
        queue = kinds.entry(kind_of[document_id]).queue if document_id in kind_of else None
        try:
            render_document.apply_async(
                args=[document_id], queue=queue, retry=True, retry_policy=settings.CELERY_PUBLISH_RETRY
            )
            sent += 1
        except Exception as exc:  # kombu raises OperationalError, redis ConnectionError...: all mean "later"
            logger.warning("document %s not enqueued (%s); the sweep will retry", document_id, exc)
    return sent


def document_render(*, document_id: int) -> Document:
    """Render and store a document's PDF. Idempotent: a ready document is left as it is, and the
    file name is fixed, so a task delivered twice still gives one file with one checksum."""
    from ..documents import render_pdf

    document = Document.objects.select_related(
        "decision__dossier__commune__district",
        "decision__dossier__commune__province",
        "dossier__criteria_set",
        "revocation",
    ).get(pk=document_id)
    if (
        document.status == Document.Status.READY
        and document.file.name
        and document.file.storage.exists(document.file.name)
    ):
        return document
    Document.objects.filter(pk=document_id).update(attempts=document.attempts + 1)
    started = time.perf_counter()
    pdf = render_pdf(document)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document_id)
        if (
            locked.status == Document.Status.READY
            and locked.file.name
            and locked.file.storage.exists(locked.file.name)
        ):
            return locked
        storage = locked.file.storage
        name = locked.storage_name
        if storage.exists(name):
            storage.delete(name)
        saved_name = storage.save(name, ContentFile(pdf))
        stage = stage_after_render(locked)
        Document.objects.filter(pk=document_id).update(
            signature_stage=stage,
            file=saved_name,
            status=Document.Status.READY,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            error="",
            render_seconds=seconds,
            rendered_at=timezone.now(),
        )
        if stage == Document.SignatureStage.SIGNER:
            # An electronic body's document: issued at the organisation's signature, not here.
            locked.signature_stage = stage
            tell_awaiting_signature(locked)
        elif locked.kind == Document.Kind.COLLECTIVE_DECISION and not locked.draft:
            # Each recognised commune receives the issued decision by e-mail, its PDF attached.
            decision_mailing_queue(document_id=document_id, attachment_file=saved_name)
    return Document.objects.get(pk=document_id)


def decision_mailing_queue(*, document_id: int, attachment_file: str) -> int:
    """Queue in the outbox, in the caller's transaction, the issued decision with its annex for the
    officials of each commune it recognises (commune police and chair, those with an address), the PDF
    attached. Returns how many e-mails were queued."""
    from django.urls import reverse

    from communes.permissions import holders_of

    document = Document.objects.select_related("collective").get(pk=document_id)
    collective = document.collective
    assert collective is not None  # only a decision with an annex is mailed to its communes
    filename = f"Quyết định {collective.number_display.replace('/', '-')}.pdf"
    letters = []
    for decision in collective.decisions.select_related("dossier__commune"):
        commune = decision.dossier.commune
        recipients = sorted(
            {
                u.email
                for codename in ("prepare_commune_dossiers", "submit_commune_reports")
                for u in holders_of(codename, commune)
                if u.email
            }
        )
        url = settings.SITE_URL.rstrip("/") + reverse(
            "assessments:dossier_detail", args=[decision.dossier_id]
        )
        facts = {
            "number": collective.number_display,
            "commune": commune.name,
            "year": collective.evaluated_year,
            "issuer": collective.issuer_name,
            "day": collective.decided_on.strftime("%d/%m/%Y"),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Decision %(number)s: %(commune)s recognised for %(year)s") % facts
            body = (
                _(
                    "%(issuer)s issued decision %(number)s of %(day)s recognising %(commune)s for "
                    "%(year)s; the decision is attached."
                )
                % facts
            )
        letters.append(
            Letter(
                key=f"decision:{document_id}:commune:{commune.pk}",
                subject=subject,
                body=f"{body}\n\n{url}",
                to=recipients,
                attachment_file=attachment_file,
                attachment_name=filename,
                attachment_type="application/pdf",
            )
        )
    return len(emails_queue(letters=letters))


def document_mark_failed(*, document_id: int, error: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=Document.Status.READY).update(
        status=Document.Status.FAILED, error=error[:2000]
    )


@transaction.atomic
def document_retry(*, document: Document, actor: User) -> Document:
    """A person asks again for a failed document: back to pending, and to the workers."""
    if not can_manage_document(document, actor):
        raise PermissionDenied
    if document.status != Document.Status.FAILED:
        raise DossierActionError(_("Only a failed document can be prepared again."))
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.PENDING, error="", requested_at=timezone.now()
    )
    _enqueue_after_commit([document.pk])
    document.refresh_from_db()
    return document


@transaction.atomic
def documents_retry_failed(*, province, actor: User, document_ids: list[int]) -> int:
    """Prepare again, in one go, the failed documents of the province chosen by the provincial police."""
    from communes.permissions import can_retry_documents

    if not can_retry_documents(actor, province):
        raise PermissionDenied
    ids = list(failed_documents(province=province).filter(pk__in=document_ids).values_list("pk", flat=True))
    Document.objects.filter(pk__in=ids).update(
        status=Document.Status.PENDING, error="", requested_at=timezone.now()
    )
    _enqueue_after_commit(ids)
    return len(ids)


def documents_sweep(*, older_than_minutes: int | None = None) -> int:
    """Send again the documents still pending after a few minutes (a broker outage, a lost task)."""
    minutes = settings.DOCUMENT_SWEEP_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    ids = list(
        Document.objects.filter(status=Document.Status.PENDING, requested_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    )
    return documents_enqueue(document_ids=ids)
