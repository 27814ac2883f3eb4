"""Decisions, revocations, numbering and documents. Each public function is one transaction."""

from __future__ import annotations

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions as dossier_perms
from assessments import workflow
from assessments.models import Dossier
from assessments.services import DossierActionError, dossier_decide, dossier_open, dossier_system_transition
from communes.text import in_sentence, nfc

from .models import Document, DocumentSequence, RecognitionDecision, Revocation
from .selectors import legal_bases_for, legal_basis_problems

logger = logging.getLogger(__name__)

DECISION_SERIES = "QD"
DISPATCH_SERIES = "CV"


# --- numbering ------------------------------------------------------------------------------------


def next_number(*, issuer_code: str, year: int, series: str) -> int:
    """The next number of an issuing body's register for the year; call inside the transaction that
    records the document, so a rollback gives the number back (no gap) and the lock forbids repeats."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the document's transaction")
    if settings.DOCUMENT_SHARED_SEQUENCE:
        series = "ALL"
    locked = DocumentSequence.objects.select_for_update()
    try:
        with transaction.atomic():
            sequence, _created = locked.get_or_create(issuer_code=issuer_code, year=year, series=series)
    except IntegrityError:  # created meanwhile by a concurrent first decision of the year
        sequence = locked.get(issuer_code=issuer_code, year=year, series=series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _issuer(dossier: Dossier) -> tuple[str, str]:
    """(unit code, name) of the body that decides on the dossier: the set's authority, not the code's."""
    unit = workflow.deciding_unit(dossier)
    return unit.code, f"Ủy ban nhân dân {in_sentence(unit.name)}"


def _inspection_date(dossier: Dossier) -> datetime.date | None:
    appraisal = getattr(dossier, "appraisal", None)
    return appraisal.inspection_date if appraisal is not None else None


def _citations(*, dossier: Dossier, document_kind: str, on: datetime.date) -> list[str]:
    """The legal bases the document cites, as printed; refused (with what is missing) when a basis in
    force lacks what its kind prints, or no law is recorded."""
    bases = legal_bases_for(procedure=dossier.criteria_set.procedure, document_kind=document_kind, on=on)
    problems = legal_basis_problems(bases, on=on)
    if problems:
        raise DossierActionError(
            _(
                "The document cannot be issued: its legal bases are incomplete. Ask the provincial staff to complete them."
            ),
            problems,
        )
    return [basis.citation() for basis in bases]


def _symbol(issuer_code: str, default: str) -> str:
    return settings.DECISION_SYMBOLS.get(issuer_code, default)


def default_valid_until(year: int) -> datetime.date:
    """The latest day a recognition stands: 31 December of the year after the assessed one by default
    (RECOGNITION_VALID_EXTRA_YEARS); the decision on the next evaluation ends it earlier."""
    return datetime.date(year + settings.RECOGNITION_VALID_EXTRA_YEARS, 12, 31)


# --- decisions ------------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    dossier: Dossier,
    actor,
    outcome: str,
    decided_on: datetime.date | None = None,
    reasons: str = "",
    signer_title: str = "",
    expected_version: int | None = None,
) -> RecognitionDecision:
    """Recognise or refuse: the dossier's transition, the numbered decision and its documents,
    all in one transaction; the PDFs are rendered by a worker once it commits."""
    if not dossier_perms.can_decide(dossier, actor):
        raise PermissionDenied
    reasons = nfc(reasons).strip()
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise DossierActionError(_("The decision cannot be dated in the future."))
    if outcome == RecognitionDecision.Outcome.NOT_RECOGNISED and not reasons:
        raise DossierActionError(_("Give the reasons for not recognising the commune."))
    inspected = _inspection_date(dossier)
    if inspected and decided_on < inspected:
        raise DossierActionError(
            _("The decision cannot be dated before the inspection it rests on (%(day)s).")
            % {"day": inspected.strftime("%d/%m/%Y")}
        )
    bases = _citations(
        dossier=dossier,
        document_kind="recognition"
        if outcome == RecognitionDecision.Outcome.RECOGNISED
        else "non_recognition",
        on=decided_on,
    )
    locked = dossier_decide(
        dossier=dossier, actor=actor, outcome=outcome, reason=reasons, expected_version=expected_version
    )
    issuer_code, issuer_name = _issuer(locked)
    decision = RecognitionDecision.objects.create(
        dossier=locked,
        outcome=outcome,
        decided_on=decided_on,
        issuer_code=issuer_code,
        issuer_name=issuer_name,
        number=next_number(issuer_code=issuer_code, year=decided_on.year, series=DECISION_SERIES),
        symbol=_symbol(issuer_code, settings.DECISION_SYMBOL),
        signer=actor,
        signer_name=actor.get_full_name(),
        signer_title=nfc(signer_title).strip(),
        reasons=reasons,
        legal_bases=bases,
        valid_until=default_valid_until(locked.year)
        if outcome == RecognitionDecision.Outcome.RECOGNISED
        else None,
    )
    kind = (
        Document.Kind.RECOGNITION
        if outcome == RecognitionDecision.Outcome.RECOGNISED
        else Document.Kind.NON_RECOGNITION
    )
    now = timezone.now()
    documents = [
        Document(kind=kind, dossier=locked, decision=decision, year=locked.year, requested_at=now),
        Document(
            kind=Document.Kind.NOTIFICATION,
            dossier=locked,
            decision=decision,
            year=locked.year,
            requested_at=now,
            number=next_number(issuer_code=issuer_code, year=decided_on.year, series=DISPATCH_SERIES),
            symbol=_symbol(f"{issuer_code}:dispatch", settings.DISPATCH_SYMBOL),
        ),
        Document(
            kind=Document.Kind.APPRAISAL_MINUTES,
            dossier=locked,
            decision=decision,
            year=locked.year,
            requested_at=now,
        ),
    ]
    documents = [_save(d) for d in documents]
    _enqueue_after_commit([d.pk for d in documents])
    _end_earlier_recognitions(decision)
    return decision


def _end_earlier_recognitions(decision: RecognitionDecision) -> None:
    """The decision on a commune's next evaluation ends the recognition of an earlier year (it still
    certifies that year: the dossier moves to "expired")."""
    earlier = RecognitionDecision.objects.filter(
        outcome=RecognitionDecision.Outcome.RECOGNISED,
        dossier__commune=decision.dossier.commune_id,
        dossier__year__lt=decision.dossier.year,
        dossier__state=Dossier.State.RECOGNISED,
    ).select_related("dossier")
    for previous in earlier:
        RecognitionDecision.objects.filter(pk=previous.pk).update(valid_until=decision.decided_on)
        dossier_system_transition(
            dossier=previous.dossier,
            name="expire",
            comment=_("Replaced by decision %(number)s on the %(year)s evaluation.")
            % {"number": decision.number_display, "year": decision.dossier.year},
        )


def _save(document: Document) -> Document:
    document.save()
    return document


@transaction.atomic
def decision_revoke(
    *,
    decision: RecognitionDecision,
    actor,
    incident_date: datetime.date,
    incident_description: str,
    reason: str,
    decided_on: datetime.date | None = None,
    signer_title: str = "",
) -> Revocation:
    """Thu hồi: a drug case shows the commune no longer qualifies; the authority withdraws it."""
    dossier = decision.dossier
    if not dossier_perms.can_decide(dossier, actor):
        raise PermissionDenied
    decided_on = decided_on or timezone.localdate()
    reason, incident_description = nfc(reason).strip(), nfc(incident_description).strip()
    if not reason or not incident_description:
        raise DossierActionError(_("Give the reason and describe the incident."))
    if incident_date > decided_on or decided_on > timezone.localdate():
        raise DossierActionError(_("The incident and the decision cannot be dated in the future."))
    if decided_on < decision.decided_on or incident_date < decision.decided_on:
        raise DossierActionError(
            _("The incident and the revocation must come after the recognition they end (%(day)s).")
            % {"day": decision.decided_on.strftime("%d/%m/%Y")}
        )
    bases = _citations(dossier=dossier, document_kind="revocation", on=decided_on)
    locked = dossier_decide(dossier=dossier, actor=actor, outcome="revoked", reason=reason)
    revocation = Revocation.objects.create(
        decision=decision,
        incident_date=incident_date,
        incident_description=incident_description,
        reason=reason,
        decided_on=decided_on,
        issuer_code=decision.issuer_code,
        issuer_name=decision.issuer_name,
        number=next_number(issuer_code=decision.issuer_code, year=decided_on.year, series=DECISION_SERIES),
        symbol=decision.symbol,
        signer=actor,
        signer_name=actor.get_full_name(),
        signer_title=nfc(signer_title).strip(),
        legal_bases=bases,
    )
    document = Document.objects.create(
        kind=Document.Kind.REVOCATION,
        dossier=locked,
        decision=decision,
        revocation=revocation,
        year=locked.year,
        requested_at=timezone.now(),
    )
    _enqueue_after_commit([document.pk])
    return revocation


@transaction.atomic
@transaction.atomic
def summary_request(*, year: int, province, actor) -> Document:
    """The provincial police's summary dispatch for a year (by district, border communes first).
    One at a time per year and province: while one is being prepared, asking again is refused (it
    would take another dispatch number and another render for the same content)."""
    from communes.models import Province
    from communes.permissions import has_unit_perm

    if not has_unit_perm(actor, "manage_criteria", province):
        raise PermissionDenied
    Province.objects.select_for_update().get(pk=province.pk)  # one request at a time per province
    if Document.objects.filter(
        kind=Document.Kind.PROVINCIAL_SUMMARY, province=province, year=year, status=Document.Status.PENDING
    ).exists():
        raise DossierActionError(
            _("The %(year)s summary dispatch is already being prepared; it will appear below.")
            % {"year": year}
        )
    document = Document.objects.create(
        kind=Document.Kind.PROVINCIAL_SUMMARY,
        province=province,
        year=year,
        requested_at=timezone.now(),
        number=next_number(issuer_code=province.code, year=timezone.localdate().year, series=DISPATCH_SERIES),
        symbol=settings.SUMMARY_DISPATCH_SYMBOL,
    )
    _enqueue_after_commit([document.pk])
    return document


# --- rendering ------------------------------------------------------------------------------------


def _enqueue_after_commit(document_ids: list[int]) -> None:
    transaction.on_commit(lambda: documents_enqueue(document_ids=document_ids))


def documents_enqueue(*, document_ids: list[int]) -> int:
    """Send render tasks; a broker that is down loses nothing: the documents stay pending and the
    periodic sweep sends them again. Returns how many were sent. Summaries go to a queue of their
    own (settings.DOCUMENT_QUEUES), so that a burst of them never delays a commune's decision."""
    from .tasks import render_document

    kinds = dict(Document.objects.filter(pk__in=document_ids).values_list("pk", "kind"))
    sent = 0
    for document_id in document_ids:
        queue = settings.DOCUMENT_QUEUES.get(kinds.get(document_id), settings.DOCUMENT_QUEUES["default"])
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
    from .documents import render_pdf

    document = Document.objects.select_related(
        "decision__dossier__commune__district",
        "decision__dossier__commune__province",
        "dossier__criteria_set",
        "revocation",
    ).get(pk=document_id)
    if (
        document.status == Document.Status.READY
        and document.file
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
            and locked.file
            and locked.file.storage.exists(locked.file.name)
        ):
            return locked
        storage = locked.file.storage
        name = locked.storage_name
        if storage.exists(name):
            storage.delete(name)
        saved_name = storage.save(name, ContentFile(pdf))
        Document.objects.filter(pk=document_id).update(
            file=saved_name,
            status=Document.Status.READY,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            error="",
            render_seconds=seconds,
            rendered_at=timezone.now(),
        )
    return Document.objects.get(pk=document_id)


def document_mark_failed(*, document_id: int, error: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=Document.Status.READY).update(
        status=Document.Status.FAILED, error=error[:2000]
    )


@transaction.atomic
def document_retry(*, document: Document, actor) -> Document:
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


def can_view_document(document: Document, user) -> bool:
    from communes.permissions import has_unit_perm

    if document.dossier_id:
        return dossier_perms.can_view(document.dossier, user)
    return document.province_id is not None and has_unit_perm(
        user, "view_province_dossiers", document.province
    )


def can_manage_document(document: Document, user) -> bool:
    """Retrying is for who issued it: the deciding authority, the provincial police, admins."""
    from communes.permissions import has_unit_perm

    province = document.dossier.commune.province if document.dossier_id else document.province
    if province is not None and has_unit_perm(user, "manage_criteria", province):
        return True
    return bool(document.dossier_id) and dossier_perms.can_decide(document.dossier, user)


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


# --- keeping clean --------------------------------------------------------------------------------


def recognitions_expire(*, today: datetime.date | None = None) -> int:
    """Recognitions whose validity has ended move to "expired" (the next year's dossier takes over)."""
    today = today or timezone.localdate()
    expired = 0
    for decision in RecognitionDecision.objects.filter(
        outcome=RecognitionDecision.Outcome.RECOGNISED,
        valid_until__lt=today,
        dossier__state=Dossier.State.RECOGNISED,
    ).select_related("dossier"):
        with transaction.atomic():
            dossier_system_transition(dossier=decision.dossier, name="expire", comment=_("Validity ended."))
        expired += 1
    return expired


def reevaluations_open(*, year: int) -> int:
    """Open `year`'s dossier (a re-evaluation) for each commune recognised for the year before."""
    opened = 0
    previous = Dossier.objects.filter(year=year - 1, state__in=Dossier.RECOGNISED_STATES).select_related(
        "commune"
    )
    for dossier in previous:
        if (
            not dossier.commune.is_valid_in_year(year)
            or Dossier.objects.filter(commune=dossier.commune, year=year).exists()
        ):
            continue
        try:
            dossier_open(commune=dossier.commune, year=year, actor=None)
        except DossierActionError as exc:  # no criteria set for that year yet: nothing to open
            logger.info("no re-evaluation for %s in %s: %s", dossier.commune, year, exc.message)
            continue
        opened += 1
    return opened
