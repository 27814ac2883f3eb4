"""Decisions (quyết định công nhận / không công nhận), the clerk's numbers, revocations (thu hồi) and the chairman's decision with its annex (Decision 28/2025). Each public function is one transaction."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import permissions as dossier_perms
from assessments import workflow
from assessments.models import Dossier
from assessments.services import (
    DossierActionError,
    DossierConflict,
    dossier_decide,
    dossier_system_transition,
)
from communes.models import IssuingBody
from communes.selectors import register_number_used
from communes.services import RegisterError, register_take
from communes.signing import signed_as
from communes.text import nfc

from ..grounds import grounds_of
from ..models import CollectiveDecision, Document, RecognitionDecision, Revocation
from ..permissions import (
    can_keep_register,
)
from ..selectors import recommended_dossiers
from .common import (
    DECISION_SERIES,
    DISPATCH_SERIES,
    _check_issue_date,
    _citations,
    _issued_by,
    _label,
    _next_number,
    _tell_the_clerk,
    deciding_body,
    default_valid_until,
)
from .documents import _enqueue_after_commit, _save

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def decision_record(
    *,
    dossier: Dossier,
    actor: User,
    outcome: str,
    decided_on: datetime.date | None = None,
    reasons: str = "",
    signer_title: str = "",
    signer_capacity: str = "",
    expected_version: int | None = None,
) -> RecognitionDecision:
    """Recognise or refuse: the dossier's transition, the decision and its documents, all in one
    transaction; the PDFs are rendered by a worker once it commits. When the deciding body's clerk gives
    the numbers, the decision waits for them and its documents are drafts (DỰ THẢO) until then."""
    if not dossier_perms.can_decide(dossier, actor):
        raise PermissionDenied
    reasons = nfc(reasons).strip()
    decided_on = decided_on or timezone.localdate()
    if outcome == RecognitionDecision.Outcome.NOT_RECOGNISED and not reasons:
        raise DossierActionError(_("Give the reasons for not recognising the commune."))
    appraisal = getattr(dossier, "appraisal", None)
    _check_issue_date(
        dossier=dossier,
        day=decided_on,
        not_before=[
            (appraisal and appraisal.inspection_date, _("the inspection it rests on")),
            (appraisal and appraisal.proposal_date, _("the police's proposal")),
        ],
    )
    recognised = outcome == RecognitionDecision.Outcome.RECOGNISED
    against = against_recommendation(appraisal, recognised=recognised)
    if against and not reasons:
        raise DossierActionError(
            _("The police recommended otherwise: give the reasons for deciding against their recommendation.")
        )
    bases = _citations(
        dossier=dossier, document_kind="recognition" if recognised else "non_recognition", on=decided_on
    )
    body = deciding_body(dossier)
    signer = _issued_by(
        body=body,
        actor=actor,
        decided_on=decided_on,
        signer_title=signer_title,
        signer_capacity=signer_capacity,
    )
    locked = dossier_decide(
        dossier=dossier,
        actor=actor,
        outcome=outcome,
        reason=reasons,
        expected_version=expected_version,
        against_recommendation=against,
        signed_as=_signed_as(signer),
    )
    decision = RecognitionDecision(
        dossier=locked,
        outcome=outcome,
        against_recommendation=against,
        **signer,
        reasons=reasons,
        legal_bases=bases,
        valid_until=default_valid_until(year=locked.year, criteria_set=locked.criteria_set)
        if recognised
        else None,
    )
    by_clerk = body.numbering == IssuingBody.Numbering.CLERK
    if not by_clerk:
        decision.number = _next_number(
            body=body, series=DECISION_SERIES, issued_on=decided_on, label=_label(decision)
        )
    decision.save()
    kind = Document.Kind.RECOGNITION if recognised else Document.Kind.NON_RECOGNITION
    # The police's minutes and Tờ trình were rendered when the appraisal was completed.
    documents = _decision_documents(decision, kind=kind, body=body, draft=by_clerk)
    _enqueue_after_commit([d.pk for d in documents])
    if not by_clerk and not body.issues_electronically:
        # An electronic decision takes effect at the organisation's signature (services.signatures).
        _end_earlier_recognitions(decision)
    if by_clerk:
        _tell_the_clerk(unit=workflow.deciding_unit(locked), what=str(locked), actor=actor)
    return decision


def _signed_as(signer: dict) -> str:
    """How the history names the signer's capacity after the name ("Q. Chủ tịch"): a decision is the
    chair's (its head's title, whatever the kind)."""
    return signed_as(capacity=signer["signer_capacity"], title=signer["signer_title"], head="CHỦ TỊCH")


def against_recommendation(appraisal, *, recognised: bool) -> bool:
    """Whether recognising (or not) goes against what the police recommended in their appraisal."""
    if appraisal is None or not appraisal.recommendation:
        return False
    return (appraisal.recommendation == appraisal.Recommendation.RECOGNISE) != recognised


def decisions_record(
    *,
    choices: list[tuple[Dossier, str, str]],
    actor: User,
    decided_on: datetime.date,
    signer_title: str = "",
    signer_capacity: str = "",
) -> tuple[list[RecognitionDecision], list[tuple[Dossier, str]]]:
    """Several decisions of a district chair at once ((dossier, outcome, reasons) each): each its own
    transaction, number, history entry and documents. Returns (recorded, refused with the reason)."""
    from assessments.services import one_by_one

    reasons = {dossier.pk: (outcome, text) for dossier, outcome, text in choices}
    return one_by_one(
        [dossier for dossier, _o, _r in choices],
        lambda dossier: decision_record(
            dossier=dossier,
            actor=actor,
            outcome=reasons[dossier.pk][0],
            reasons=reasons[dossier.pk][1],
            decided_on=decided_on,
            signer_title=signer_title,
            signer_capacity=signer_capacity,
        ),
    )


def _decision_documents(
    record, *, kind: str, body: IssuingBody, draft: bool, dispatch_number: int | None = None
) -> list[Document]:
    """The decision's own PDF and, for a decision on a dossier, the dispatch that tells the commune."""
    decision = record.decision if isinstance(record, Revocation) else record
    dossier = decision.dossier
    now = timezone.now()
    common = {
        "dossier": dossier,
        "decision": decision,
        "year": dossier.year,
        "requested_at": now,
        "draft": draft,
        "issuer_code": body.code,
    }
    if isinstance(record, Revocation):
        return [_save(Document(kind=Document.Kind.REVOCATION, revocation=record, **common))]
    notification = Document(kind=Document.Kind.NOTIFICATION, symbol=body.symbol(DISPATCH_SERIES), **common)
    if not draft:
        notification.number = dispatch_number or _next_number(
            body=body, series=DISPATCH_SERIES, issued_on=decision.decided_on, label=_label(decision)
        )
    return [_save(Document(kind=kind, **common)), _save(notification)]


def issue_refusals(
    *, record, number: int, issued_on: datetime.date, dispatch_number: int | None = None
) -> dict[str, str]:
    """What entering this number and date would refuse, by the form's field: the checks `record_issue`
    makes (the dates a document obeys, a number already used), asked before the confirmation page."""
    refusals: dict[str, str] = {}
    if isinstance(record, CollectiveDecision):
        dossier = record.decisions.select_related("dossier").earliest("pk").dossier
    else:
        dossier = (record.decision if isinstance(record, Revocation) else record).dossier
    try:
        _check_issue_date(
            dossier=dossier, day=issued_on, not_before=[(record.approved_on, _("its approval by the signer"))]
        )
    except DossierActionError as error:
        refusals["issued_on"] = str(error.message)
    body = IssuingBody.objects.get(code=record.issuer_code)
    if used := register_number_used(body=body, series=DECISION_SERIES, number=number, year=issued_on.year):
        refusals["number"] = used
    if dispatch_number is not None and (
        used := register_number_used(
            body=body, series=DISPATCH_SERIES, number=dispatch_number, year=issued_on.year
        )
    ):
        refusals["dispatch_number"] = used
    return refusals


@transaction.atomic
def record_issue(
    *,
    record: RecognitionDecision | Revocation,
    actor: User,
    number: int,
    issued_on: datetime.date,
    dispatch_number: int | None = None,
) -> RecognitionDecision | Revocation:
    """Vào sổ: the clerk enters the number and the date of issue the office's register gave an approved
    decision (and its dispatch); a number already used in that register and year is refused. The
    drafts give way to the issued documents, rendered by a worker once this commits."""
    if not can_keep_register(record, actor):
        raise PermissionDenied
    # The register first, then the decision: the order every numbering takes, so two clerks (or a clerk
    # and a decision that ends an earlier recognition) never wait on each other in a circle.
    IssuingBody.objects.select_for_update().get(code=record.issuer_code)
    model = type(record)
    locked = model.objects.select_for_update().get(pk=record.pk)
    if locked.number is not None:
        raise DossierActionError(
            _("This decision already has its number, %(number)s.") % {"number": locked.number_display}
        )
    if isinstance(locked, CollectiveDecision):
        return _issue_collective(locked, actor=actor, number=number, issued_on=issued_on)
    if isinstance(locked, RecognitionDecision) and locked.collective_id:
        raise DossierActionError(_("This commune is numbered with the decision that lists it."))
    decision = locked.decision if isinstance(locked, Revocation) else locked
    dossier = decision.dossier
    _check_issue_date(
        dossier=dossier, day=issued_on, not_before=[(locked.approved_on, _("its approval by the signer"))]
    )
    if isinstance(locked, Revocation):
        kind, document_kind = Document.Kind.REVOCATION, "revocation"
    else:
        kind = (
            Document.Kind.RECOGNITION if decision.outcome == "recognised" else Document.Kind.NON_RECOGNITION
        )
        document_kind = kind
        if dispatch_number is None:
            raise DossierActionError(_("Give the number of the dispatch to the commune."))
    bases = _citations(dossier=dossier, document_kind=document_kind, on=issued_on)
    body = IssuingBody.objects.get(code=locked.issuer_code)
    try:
        register_take(
            body=body, series=DECISION_SERIES, number=number, issued_on=issued_on, label=_label(locked)
        )
        if dispatch_number is not None and not isinstance(locked, Revocation):
            register_take(
                body=body,
                series=DISPATCH_SERIES,
                number=dispatch_number,
                issued_on=issued_on,
                label=_label(locked),
            )
    except RegisterError as error:
        raise DossierActionError(error.message) from error
    locked.number, locked.decided_on, locked.numbered_by, locked.legal_bases = number, issued_on, actor, bases
    locked.save()
    drafts = list(
        Document.objects.filter(
            decision=decision, draft=True, revocation=locked if isinstance(locked, Revocation) else None
        )
    )
    stale = [d.file.name for d in drafts if d.file]
    Document.objects.filter(pk__in=[d.pk for d in drafts]).delete()
    if stale:
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_files(storage, stale))
    documents = _decision_documents(
        locked, kind=kind, body=body, draft=False, dispatch_number=dispatch_number
    )
    _enqueue_after_commit([d.pk for d in documents])
    if not isinstance(locked, Revocation):
        _end_earlier_recognitions(locked)
    return locked


def _issue_collective(
    collective: CollectiveDecision, *, actor: User, number: int, issued_on: datetime.date
) -> CollectiveDecision:
    """The clerk's number on the chairman's decision with its annex: every commune's decision takes it."""
    decisions = list(collective.decisions.select_related("dossier__criteria_set", "dossier__commune"))
    dossier = decisions[0].dossier
    _check_issue_date(
        dossier=dossier, day=issued_on, not_before=[(collective.approved_on, _("its approval by the signer"))]
    )
    bases = _citations(dossier=dossier, document_kind="recognition", on=issued_on)
    body = IssuingBody.objects.get(code=collective.issuer_code)
    try:
        register_take(
            body=body, series=DECISION_SERIES, number=number, issued_on=issued_on, label=str(collective)[:120]
        )
    except RegisterError as error:
        raise DossierActionError(error.message) from error
    collective.number, collective.decided_on, collective.numbered_by = number, issued_on, actor
    collective.legal_bases = bases
    collective.save()
    RecognitionDecision.objects.filter(collective=collective).update(
        number=number, decided_on=issued_on, numbered_by=actor, legal_bases=bases
    )
    drafts = list(Document.objects.filter(collective=collective, draft=True))
    stale = [d.file.name for d in drafts if d.file]
    Document.objects.filter(pk__in=[d.pk for d in drafts]).delete()
    if stale:
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_files(storage, stale))
    document = Document.objects.create(
        kind=Document.Kind.COLLECTIVE_DECISION,
        collective=collective,
        province=collective.province,
        year=collective.evaluated_year,
        requested_at=timezone.now(),
        issuer_code=body.code,
    )
    _enqueue_after_commit([document.pk])
    for decision in RecognitionDecision.objects.filter(collective=collective).select_related("dossier"):
        _end_earlier_recognitions(decision)
    return collective


def _end_earlier_recognitions(decision: RecognitionDecision) -> None:
    """The decision on a commune's next evaluation ends the recognition of an earlier year (it still
    certifies that year: the dossier moves to "expired")."""
    earlier = RecognitionDecision.objects.filter(
        outcome=RecognitionDecision.Outcome.RECOGNISED,
        dossier__commune=decision.dossier.commune_id,
        dossier__year__lt=decision.dossier.year,
        dossier__state__in=workflow.sources_of("expire"),  # a recognition still in force
    ).select_related("dossier")
    for previous in earlier:
        RecognitionDecision.objects.filter(pk=previous.pk).update(valid_until=decision.decided_on)
        dossier_system_transition(
            dossier=previous.dossier,
            name="expire",
            comment=_("Replaced by decision %(number)s on the %(year)s evaluation.")
            % {"number": decision.number_display, "year": decision.dossier.year},
        )


@transaction.atomic
def decision_revoke(
    *,
    decision: RecognitionDecision,
    actor: User,
    incident_date: datetime.date,
    incident_description: str,
    reason: str,
    decided_on: datetime.date | None = None,
    signer_title: str = "",
    signer_capacity: str = "",
) -> Revocation:
    """Thu hồi: a drug case shows the commune no longer qualifies; the authority withdraws it."""
    dossier = decision.dossier
    if not dossier_perms.can_decide(dossier, actor):
        raise PermissionDenied
    decided_on = decided_on or timezone.localdate()
    reason, incident_description = nfc(reason).strip(), nfc(incident_description).strip()
    if not reason or not incident_description:
        raise DossierActionError(_("Give the reason and describe the incident."))
    if decision.is_draft:
        raise DossierActionError(
            _("The recognition has no number yet: it cannot be revoked before it is issued.")
        )
    if incident_date > decided_on or decided_on > timezone.localdate():
        raise DossierActionError(_("The incident and the decision cannot be dated in the future."))
    if incident_date < decision.decided_on or (decision.valid_until and incident_date > decision.valid_until):
        raise DossierActionError(
            _("The incident must fall while the recognition stood (from %(start)s).")
            % {"start": decision.decided_on.strftime("%d/%m/%Y")}
        )
    _check_issue_date(
        dossier=dossier, day=decided_on, not_before=[(decision.decided_on, _("the recognition it revokes"))]
    )
    bases = _citations(dossier=dossier, document_kind="revocation", on=decided_on)
    body = IssuingBody.objects.get(code=decision.issuer_code)
    signer = _issued_by(
        body=body,
        actor=actor,
        decided_on=decided_on,
        signer_title=signer_title,
        signer_capacity=signer_capacity,
    )
    dossier_decide(
        dossier=dossier, actor=actor, outcome="revoked", reason=reason, signed_as=_signed_as(signer)
    )
    revocation = Revocation(
        decision=decision,
        incident_date=incident_date,
        incident_description=incident_description,
        reason=reason,
        **signer,
        legal_bases=bases,
    )
    by_clerk = body.numbering == IssuingBody.Numbering.CLERK
    if not by_clerk:
        revocation.number = _next_number(
            body=body, series=DECISION_SERIES, issued_on=decided_on, label=_label(revocation)
        )
    revocation.save()
    documents = _decision_documents(revocation, kind=Document.Kind.REVOCATION, body=body, draft=by_clerk)
    _enqueue_after_commit([d.pk for d in documents])
    if by_clerk:
        with translation.override(settings.LANGUAGE_CODE):
            what = _("revocation, %(dossier)s") % {"dossier": decision.dossier}
        _tell_the_clerk(unit=workflow.deciding_unit(decision.dossier), what=what, actor=actor)
    return revocation


@transaction.atomic
def collective_decision_record(
    *,
    province,
    year: int,
    actor: User,
    listed: list[int],
    left_out: dict[int, str] | None = None,
    decided_on: datetime.date | None = None,
    signer_title: str = "",
    signer_capacity: str = "",
) -> CollectiveDecision:
    """Quyết định công nhận: one decision of the provincial chairman (or a vice-chairman, "KT. CHỦ TỊCH")
    recognising the recommended communes `listed` (dossier ids), with an annex; those `left_out` go
    back to "appraised" with the reason, for the council's next session. One number for the whole
    decision in the provincial People's Committee's register (or a draft until the clerk numbers it).
    The list must be the one the chairman saw: if another decision took some of them meanwhile, this
    one is refused and says which (the province's row serialises two chairs issuing at once)."""
    from communes.models import Province
    from communes.permissions import decides_for_province

    if not decides_for_province(actor, province):
        raise PermissionDenied
    Province.objects.select_for_update().get(pk=province.pk)
    left_out = {pk: nfc(reason).strip() for pk, reason in (left_out or {}).items()}
    waiting = {d.pk: d for d in recommended_dossiers(province=province, year=year)}
    gone = [pk for pk in [*listed, *left_out] if pk not in waiting]
    if gone:
        taken = RecognitionDecision.objects.filter(dossier_id__in=gone).select_related("collective").first()
        raise DossierConflict(
            _(
                "The list changed: %(count)s of these communes are no longer waiting for a decision%(by)s. Reload the page."
            )
            % {
                "count": len(gone),
                "by": ""
                if taken is None
                else _(" (decision %(number)s)") % {"number": taken.number_display}
                if not taken.is_draft
                else _(" (a decision approved on %(day)s)")
                % {"day": (taken.approved_on or taken.decided_on).strftime("%d/%m/%Y")},
            }
        )
    if not listed:
        raise DossierActionError(_("List at least one commune to recognise."))
    if set(listed) & set(left_out):
        raise DossierActionError(_("A commune is either recognised or left out, not both."))
    if any(not reason for reason in left_out.values()):
        raise DossierActionError(_("Give the reason for each commune left out."))
    decided_on = decided_on or timezone.localdate()
    dossiers = [waiting[pk] for pk in listed]
    grounds = grounds_of(dossiers)
    _check_issue_date(
        dossier=dossiers[0],
        day=decided_on,
        not_before=[(g.held_on, g.what) for g in grounds]
        + [
            (d.appraisal.proposal_date, _("the police's proposal"))
            for d in dossiers
            if hasattr(d, "appraisal")
        ],
    )
    bases = _citations(dossier=dossiers[0], document_kind="recognition", on=decided_on)
    body = deciding_body(dossiers[0])
    signer = _issued_by(
        body=body,
        actor=actor,
        decided_on=decided_on,
        signer_title=signer_title,
        signer_capacity=signer_capacity,
    )
    for pk, reason in left_out.items():
        dossier_decide(
            dossier=waiting[pk], actor=actor, outcome="left_out", reason=reason, signed_as=_signed_as(signer)
        )
    by_clerk = body.numbering == IssuingBody.Numbering.CLERK
    collective = CollectiveDecision(
        province=province,
        evaluated_year=year,
        **signer,
        legal_bases=bases,
        grounds=[
            {
                "title": g.title,
                "number": g.number,
                "date": g.issued_on.isoformat(),
                "proposal": g.proposal,
                "subject": g.subject,
            }
            for g in grounds
        ],
    )
    if not by_clerk:
        collective.number = _next_number(
            body=body,
            series=DECISION_SERIES,
            issued_on=decided_on,
            label=f"collective {province.code} {year}",
        )
    collective.save()
    for dossier in dossiers:
        locked = dossier_decide(
            dossier=dossier,
            actor=actor,
            outcome=RecognitionDecision.Outcome.RECOGNISED,
            signed_as=_signed_as(signer),
        )
        decision = RecognitionDecision.objects.create(
            dossier=locked,
            collective=collective,
            outcome=RecognitionDecision.Outcome.RECOGNISED,
            decided_on=decided_on,
            approved_on=decided_on,
            issuer_code=body.code,
            issuer_name=body.name,
            number=collective.number,
            symbol=collective.symbol,
            signer=actor,
            signer_name=collective.signer_name,
            signer_title=collective.signer_title,
            signer_capacity=collective.signer_capacity,
            legal_bases=bases,
            valid_until=default_valid_until(year=locked.year, criteria_set=locked.criteria_set),
        )
        if not by_clerk and not body.issues_electronically:
            _end_earlier_recognitions(decision)
    document = Document.objects.create(
        kind=Document.Kind.COLLECTIVE_DECISION,
        collective=collective,
        province=province,
        year=year,
        requested_at=timezone.now(),
        draft=by_clerk,
        issuer_code=body.code,
    )
    _enqueue_after_commit([document.pk])
    if by_clerk:
        with translation.override(settings.LANGUAGE_CODE):
            what = _("the %(year)s decision recognising %(n)s communes of %(province)s") % {
                "year": year,
                "n": len(dossiers),
                "province": province.name,
            }
        _tell_the_clerk(unit=province, what=what, actor=actor)
    return collective


def _delete_files(storage, names) -> None:
    """The files of replaced drafts, once the transaction that replaced them has committed."""
    for name in names:
        storage.delete(name)
