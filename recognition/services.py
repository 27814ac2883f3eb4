"""Decisions, revocations, numbering and documents. Each public function is one transaction."""

from __future__ import annotations

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments import permissions as dossier_perms
from assessments import workflow
from assessments.models import Dossier
from assessments.services import (
    DossierActionError,
    DossierConflict,
    dossier_council_outcome,
    dossier_decide,
    dossier_open,
    dossier_system_transition,
    notify_officials,
)
from communes.locks import lock_rows
from communes.models import IssuingBody
from communes.selectors import register_number_used
from communes.services import RegisterError, issuing_body_for, register_next, register_take
from communes.text import nfc
from outbox.services import Letter, emails_queue

from .models import (
    AgendaItem,
    Attendance,
    CollectiveDecision,
    CouncilMember,
    CouncilSession,
    Document,
    RecognitionDecision,
    ReviewCouncil,
    Revocation,
    Vote,
)

# The predicates of who may act moved to .permissions; re-exported here for one release.
from .permissions import (  # noqa: F401
    can_keep_minutes,
    can_keep_register,
    can_manage_council,
    can_manage_document,
    can_view_document,
)
from .selectors import legal_bases_for, legal_basis_problems

logger = logging.getLogger(__name__)

# The series of a register: decisions (recognitions, refusals and revocations share one) and dispatches.
DECISION_SERIES = "decision"
DISPATCH_SERIES = "dispatch"


# --- numbering ------------------------------------------------------------------------------------


def _tell(*, recipients, subject: str, note: str, link: str) -> int:
    """A notice of work of no dossier. It is stored as written: callers write it in the application's
    language (translation.override(settings.LANGUAGE_CODE))."""
    return notify_officials(recipients=recipients, subject=str(subject), note=str(note), link=link)


def _tell_the_clerk(*, unit, what: str, actor) -> int:
    """Văn thư: a decision approved while the office's clerk gives the numbers waits for its number; the
    clerks of the deciding unit are told, with the register's page."""
    from django.urls import reverse

    from communes.permissions import holders_of

    with translation.override(settings.LANGUAGE_CODE):
        return _tell(
            recipients=list(holders_of("keep_register", unit)),
            subject=_("A decision waits for its number: %(what)s") % {"what": what},
            note=_("%(actor)s approved it; enter the number and the date of issue from the register.")
            % {"actor": actor.get_full_name()},
            link=reverse("recognition:register"),
        )


def _tell_the_council(session: CouncilSession, *, subject: str, note: str) -> int:
    """The council's seats (members, chair, vice-chair, secretary), with the session's page."""
    from django.urls import reverse

    users = [m.user for m in session.council.members.select_related("user")]
    return _tell(
        recipients=users,
        subject=subject,
        note=note,
        link=reverse("recognition:council_session", args=[session.pk]),
    )


def deciding_body(dossier: Dossier) -> IssuingBody:
    """The People's Committee that decides on the dossier (the procedure's level), with its register."""
    return issuing_body_for(unit=workflow.deciding_unit(dossier), kind=IssuingBody.Kind.PEOPLE_COMMITTEE)


def _next_number(*, body: IssuingBody, series: str, issued_on: datetime.date, label: str) -> int:
    try:
        return register_next(body=body, series=series, issued_on=issued_on, label=label)
    except RegisterError as error:
        raise DossierActionError(error.message) from error


def latest_issue_date(dossier: Dossier) -> datetime.date:
    """The latest day a document of the dossier may carry: today, or the last day its procedure's bodies
    issued documents (the district procedure: 30 June 2025)."""
    until = workflow.procedure_of(dossier).documents_until
    return min(timezone.localdate(), until) if until else timezone.localdate()


def _check_issue_date(*, dossier: Dossier, day: datetime.date, not_before: list) -> None:
    """The dates every document of a dossier obeys: not in the future, not after its procedure's bodies
    ended (districts: 30 June 2025), not before what it rests on (`not_before`: (date, what) pairs)."""
    if day > timezone.localdate():
        raise DossierActionError(_("The document cannot be dated in the future."))
    until = workflow.procedure_of(dossier).documents_until
    if until is not None and day > until:
        raise DossierActionError(
            _("The bodies of this procedure issued documents until %(day)s: date it no later.")
            % {"day": until.strftime("%d/%m/%Y")}
        )
    for earliest, what in not_before:
        if earliest is not None and day < earliest:
            raise DossierActionError(
                _("The document cannot be dated before %(what)s (%(day)s).")
                % {"what": what, "day": earliest.strftime("%d/%m/%Y")}
            )


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


def default_valid_until(*, year: int, criteria_set) -> datetime.date:
    """The latest day a recognition stands: 31 December of the assessed year plus the criteria set's
    `recognition_valid_extra_years` (one: the year after); the decision on the next evaluation ends it
    earlier."""
    return datetime.date(year + criteria_set.decision_rule("recognition_valid_extra_years"), 12, 31)


def council_rules(session: CouncilSession):
    """The criteria set whose procedure the session applies (its quorum and majority): the set of the
    dossiers on its agenda (one procedure a year), else the set in force for the council's year."""
    from assessments.models import CriteriaSet
    from assessments.selectors import criteria_set_for

    found = CriteriaSet.objects.filter(dossiers__agenda_items__session=session).first()
    return found or criteria_set_for(year=session.council.year)


def holds_quorum(*, present: int, voting: int, rules) -> bool:
    """More than the procedure's `council_quorum_share` (of the criteria set `rules`, council_rules) of
    the voting members present."""
    return present > rules.decision_rule("council_quorum_share") * voting


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
    locked = dossier_decide(
        dossier=dossier,
        actor=actor,
        outcome=outcome,
        reason=reasons,
        expected_version=expected_version,
        against_recommendation=against,
    )
    body = deciding_body(locked)
    decision = RecognitionDecision(
        dossier=locked,
        outcome=outcome,
        against_recommendation=against,
        **_issued_by(body=body, actor=actor, decided_on=decided_on, signer_title=signer_title),
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
    now = timezone.now()
    minutes = Document(
        kind=Document.Kind.APPRAISAL_MINUTES,
        dossier=locked,
        decision=decision,
        year=locked.year,
        requested_at=now,
    )
    documents = [_save(minutes), *_decision_documents(decision, kind=kind, body=body, draft=by_clerk)]
    _enqueue_after_commit([d.pk for d in documents])
    if not by_clerk:
        _end_earlier_recognitions(decision)
    else:
        _tell_the_clerk(unit=workflow.deciding_unit(locked), what=str(locked), actor=actor)
    return decision


def against_recommendation(appraisal, *, recognised: bool) -> bool:
    """Whether recognising (or not) goes against what the police recommended in their appraisal."""
    if appraisal is None or not appraisal.recommendation:
        return False
    return (appraisal.recommendation == appraisal.Recommendation.RECOGNISE) != recognised


def decisions_record(
    *, choices: list[tuple[Dossier, str, str]], actor, decided_on: datetime.date, signer_title: str = ""
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
        ),
    )


def _issued_by(*, body: IssuingBody, actor, decided_on: datetime.date, signer_title: str) -> dict:
    """The fields every decision takes from its issuing body, its signer and its date."""
    return {
        "decided_on": decided_on,
        "approved_on": decided_on,
        "issuer_code": body.code,
        "issuer_name": body.name,
        "symbol": body.symbol("decision"),
        "signer": actor,
        "signer_name": actor.get_full_name(),
        "signer_title": nfc(signer_title).strip(),
    }


def _label(record) -> str:
    what = "revocation" if isinstance(record, Revocation) else record.outcome
    dossier = record.decision.dossier if isinstance(record, Revocation) else record.dossier
    return f"{what}: {dossier.commune.code} {dossier.year}"


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
    }
    if isinstance(record, Revocation):
        return [_save(Document(kind=Document.Kind.REVOCATION, revocation=record, **common))]
    notification = Document(kind=Document.Kind.NOTIFICATION, symbol=body.symbol("dispatch"), **common)
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
        dossier = record.decisions.select_related("dossier").first().dossier
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
    actor,
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
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])
    documents = _decision_documents(
        locked, kind=kind, body=body, draft=False, dispatch_number=dispatch_number
    )
    _enqueue_after_commit([d.pk for d in documents])
    if not isinstance(locked, Revocation):
        _end_earlier_recognitions(locked)
    return locked


def _issue_collective(
    collective: CollectiveDecision, *, actor, number: int, issued_on: datetime.date
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
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])
    document = Document.objects.create(
        kind=Document.Kind.COLLECTIVE_DECISION,
        collective=collective,
        province=collective.province,
        year=collective.evaluated_year,
        requested_at=timezone.now(),
    )
    _enqueue_after_commit([document.pk])
    for decision in RecognitionDecision.objects.filter(collective=collective).select_related("dossier"):
        _end_earlier_recognitions(decision)
    return collective


def awaiting_numbers(user) -> list:
    """Decisions and revocations approved and waiting for the clerk's number, in the bodies `user` keeps
    the register of (oldest first)."""
    from communes.models import District, Province
    from communes.permissions import units_with_perm

    codes = [u.code for model in (District, Province) for u in units_with_perm(user, "keep_register", model)]
    decisions = RecognitionDecision.objects.filter(number__isnull=True, issuer_code__in=codes).select_related(
        "dossier__commune"
    )
    revocations = Revocation.objects.filter(number__isnull=True, issuer_code__in=codes).select_related(
        "decision__dossier__commune"
    )
    collectives = CollectiveDecision.objects.filter(
        number__isnull=True, issuer_code__in=codes
    ).select_related("province")
    # A commune of a decision with an annex is numbered with that decision, not on its own.
    decisions = [d for d in decisions if d.collective_id is None]
    return sorted(
        [*decisions, *revocations, *collectives], key=lambda r: (r.approved_on or r.decided_on, r.pk)
    )


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
    dossier_decide(dossier=dossier, actor=actor, outcome="revoked", reason=reason)
    body = IssuingBody.objects.get(code=decision.issuer_code)
    revocation = Revocation(
        decision=decision,
        incident_date=incident_date,
        incident_description=incident_description,
        reason=reason,
        **_issued_by(body=body, actor=actor, decided_on=decided_on, signer_title=signer_title),
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
def summary_request(
    *, year: int, province, actor, issued_on: datetime.date | None = None, signer_title: str = ""
) -> Document:
    """The provincial police's summary dispatch for a year (by district, border communes first),
    numbered in the provincial police's own register, dated (default today) and signed by `actor`.
    One at a time per year and province: while one is being prepared, asking again is refused (it
    would take another dispatch number and another render for the same content)."""
    from communes.permissions import has_unit_perm

    if not has_unit_perm(actor, "manage_criteria", province):
        raise PermissionDenied
    body = issuing_body_for(unit=province, kind=IssuingBody.Kind.POLICE)
    if body.numbering == IssuingBody.Numbering.CLERK:
        raise DossierActionError(
            _("The provincial police number their dispatches in the office's register: ask the clerk.")
        )
    return _police_document(
        kind=Document.Kind.PROVINCIAL_SUMMARY,
        province=province,
        body=body,
        year=year,
        actor=actor,
        issued_on=issued_on,
        signer_title=signer_title,
        series=DISPATCH_SERIES,
        symbol_of="dispatch",
        label=f"summary {year}",
        busy=_("The %(year)s summary dispatch is already being prepared; it will appear below."),
    )


def _police_document(
    *,
    kind: str,
    province,
    body: IssuingBody,
    year: int,
    actor,
    issued_on: datetime.date | None,
    signer_title: str,
    series: str,
    symbol_of: str,
    label: str,
    busy: str,
    **fields,
) -> Document:
    """A yearly document of the provincial police (the summary dispatch, the report to the Ministry):
    dated no later than today and not before its year; one at a time per year and province (while one is
    being prepared, asking again is refused: it would take another number for the same content);
    numbered in the police's register; sent to the workers once the transaction commits."""
    from communes.models import Province

    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise DossierActionError(_("The document cannot be dated in the future."))
    if issued_on.year < year:
        raise DossierActionError(
            _("A summary of %(year)s cannot be dated before that year.") % {"year": year}
        )
    Province.objects.select_for_update().get(pk=province.pk)  # one request at a time per province
    if Document.objects.filter(
        kind=kind, province=province, year=year, status=Document.Status.PENDING
    ).exists():
        raise DossierActionError(busy % {"year": year})
    document = Document.objects.create(
        kind=kind,
        province=province,
        year=year,
        requested_at=timezone.now(),
        issued_on=issued_on,
        signer_name=actor.get_full_name(),
        signer_title=nfc(signer_title).strip(),
        number=_next_number(body=body, series=series, issued_on=issued_on, label=label),
        symbol=body.symbol(symbol_of),
        **fields,
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
        if locked.kind == Document.Kind.COLLECTIVE_DECISION and not locked.draft:
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


def failed_documents(*, province) -> QuerySet[Document]:
    """The province's documents whose rendering failed (for the provincial police to prepare again)."""
    return (
        Document.objects.filter(status=Document.Status.FAILED)
        .filter(Q(dossier__commune__province=province) | Q(province=province))
        .select_related("dossier__commune")
        .order_by("requested_at", "pk")
    )


@transaction.atomic
def documents_retry_failed(*, province, actor, document_ids: list[int]) -> int:
    """Prepare again, in one go, the failed documents of the province chosen by the provincial police."""
    from communes.permissions import has_unit_perm

    if not has_unit_perm(actor, "manage_criteria", province):
        raise PermissionDenied
    ids = list(failed_documents(province=province).filter(pk__in=document_ids).values_list("pk", flat=True))
    Document.objects.filter(pk__in=ids).update(
        status=Document.Status.PENDING, error="", requested_at=timezone.now()
    )
    _enqueue_after_commit(ids)
    return len(ids)


def dossiers_named_in(document: Document) -> QuerySet[Dossier]:
    """The dossiers a province-level document names, commune by commune: the annex of a decision with
    an annex (its communes recognised), the council's notice (its communes not recommended). Other
    province-level documents (the minutes, the reports) name none to which they belong."""
    if document.kind == Document.Kind.COLLECTIVE_DECISION and document.collective_id:
        return Dossier.objects.filter(recognition_decision__collective=document.collective_id)
    if document.kind == Document.Kind.COUNCIL_NOTICE and document.session_id:
        return Dossier.objects.filter(
            agenda_items__session=document.session_id,
            agenda_items__outcome=AgendaItem.Outcome.NOT_RECOMMENDED,
        )
    return Dossier.objects.none()


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
        dossier__state__in=workflow.sources_of("expire"),
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


# --- the review council (Decision 28/2025) ----------------------------------------------------------


@transaction.atomic
def council_set_up(*, province, year: int, seats: list[dict], actor) -> ReviewCouncil:
    """Thành lập Hội đồng: the year's council from officials of the province, each with a seat (one
    chair, at most one vice-chair, one secretary, members) and the post printed in the minutes. Seats
    can be changed until the council's first session is closed."""
    from communes.permissions import has_unit_perm

    if not can_manage_council(province, actor):
        raise PermissionDenied
    chairs = [s for s in seats if s["seat"] == CouncilMember.Seat.CHAIR]
    secretaries = [s for s in seats if s["seat"] == CouncilMember.Seat.SECRETARY]
    vices = [s for s in seats if s["seat"] == CouncilMember.Seat.VICE_CHAIR]
    if len(chairs) != 1 or len(secretaries) != 1 or len(vices) > 1:
        raise DossierActionError(_("A council has one chair, one secretary and at most one vice-chair."))
    users = [s["user"] for s in seats]
    if len({u.pk for u in users}) != len(users):
        raise DossierActionError(_("Each official holds one seat on the council."))
    outsiders = [u.get_full_name() for u in users if not has_unit_perm(u, "view_province_dossiers", province)]
    if outsiders:
        raise DossierActionError(
            _("Only officials of the province can sit on its council: %(names)s.")
            % {"names": ", ".join(outsiders)}
        )
    council, _created = ReviewCouncil.objects.select_for_update().get_or_create(
        province=province, year=year, defaults={"created_by": actor}
    )
    if council.sessions.filter(status=CouncilSession.Status.CLOSED).exists():
        raise DossierActionError(_("The council has already met: its seats can no longer change."))
    # Corrected in place: a member who stays keeps their row (and the attendance and votes recorded for
    # it); a seat given to another person is a new row; a member leaving the council is removed only
    # when no vote of theirs is recorded in an open session.
    existing = {m.user_id: m for m in lock_rows(council.members.all())}
    wanted = {s["user"].pk for s in seats}
    leaving = [m for user_id, m in existing.items() if user_id not in wanted]
    voted = (
        Vote.objects.filter(member__in=leaving, item__session__status=CouncilSession.Status.SCHEDULED)
        .select_related("member__user", "item__session")
        .order_by("item__session__held_on")
    )
    if voted:
        raise DossierActionError(
            _(
                "%(name)s has votes recorded in the session of %(day)s, which is still open: record the "
                "session without them first, or keep the seat."
            )
            % {
                "name": voted[0].member.user.get_full_name(),
                "day": voted[0].item.session.held_on.strftime("%d/%m/%Y"),
            }
        )
    Attendance.objects.filter(member__in=leaving).delete()
    CouncilMember.objects.filter(pk__in=[m.pk for m in leaving]).delete()
    for s in seats:
        fields = {
            "seat": s["seat"],
            "position": nfc(s.get("position", "")).strip(),
            "secretary_is_member": bool(s.get("secretary_is_member")),
        }
        member = existing.get(s["user"].pk)
        if member is None:
            CouncilMember.objects.create(council=council, user=s["user"], **fields)
        elif any(getattr(member, name) != value for name, value in fields.items()):
            CouncilMember.objects.filter(pk=member.pk).update(**fields)
    return council


@transaction.atomic
def session_schedule(
    *, council: ReviewCouncil, held_on: datetime.date, starts_at, place: str, dossiers: list, actor
) -> CouncilSession:
    """Triệu tập: a session on a date and at a place, with appraised dossiers of the council's year on
    its agenda (none already on another open session)."""
    if not can_manage_council(council.province, actor):
        raise PermissionDenied
    if not dossiers:
        raise DossierActionError(_("Put at least one appraised dossier on the agenda."))
    locked = lock_rows(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).select_related("commune"))
    wrong = [
        str(d)
        for d in locked
        if d.state not in workflow.sources_of("recommend")
        or d.year != council.year
        or d.commune.province_id != council.province_id
    ]
    if wrong:
        raise DossierActionError(
            _("Only appraised dossiers of the council's year and province go on its agenda: %(names)s.")
            % {"names": "; ".join(wrong)}
        )
    busy = AgendaItem.objects.filter(
        dossier__in=locked, session__status=CouncilSession.Status.SCHEDULED
    ).select_related("dossier")
    if busy:
        raise DossierActionError(
            _("Already on the agenda of a session not yet closed: %(names)s.")
            % {"names": "; ".join(str(i.dossier) for i in busy)}
        )
    session = CouncilSession.objects.create(
        council=council, held_on=held_on, starts_at=starts_at, place=nfc(place).strip(), scheduled_by=actor
    )
    # The agenda in the communes' order (their codes), whatever the order the rows were locked in.
    agenda = sorted(locked, key=lambda d: (-d.year, d.commune.code))
    AgendaItem.objects.bulk_create([AgendaItem(session=session, dossier=d) for d in agenda])
    with translation.override(settings.LANGUAGE_CODE):
        _tell_the_council(
            session,
            subject=_("The council is called: session of %(day)s, %(time)s")
            % {"day": held_on.strftime("%d/%m/%Y"), "time": starts_at.strftime("%H:%M")},
            note=_("Place: %(place)s. Agenda: %(communes)s.")
            % {"place": session.place, "communes": ", ".join(d.commune.name for d in locked)},
        )
    return session


@transaction.atomic
def session_record(
    *,
    session: CouncilSession,
    actor,
    present: set[int],
    votes: dict[tuple[int, int], str],
    reasons: dict[int, str] | None = None,
    ends_at=None,
    conclusion: str | None = None,
    tallies: dict[int, tuple[int, int, int]] | None = None,
) -> None:
    """The secretary records who attends and, as the session records them (CouncilSession.recording),
    each present member's vote on each commune {(item id, member id): "for" | "against" | "abstain"}
    or the tally per commune {item id: (for, against, other opinions)}; with what was typed beside them
    (the reason per commune {item id: reason}, the end time, the conclusion). Saved as a draft until
    the session is closed; what is not given is left as it was."""
    council = session.council
    if not can_keep_minutes(council.province, actor):
        raise PermissionDenied
    locked = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != CouncilSession.Status.SCHEDULED:
        raise DossierConflict(_("The session is closed: its votes can no longer change."))
    members = {m.pk: m for m in council.members.all()}
    agenda = {item.pk: item for item in locked.items.select_related("dossier__commune")}
    items = set(agenda)
    by_tally = locked.recording == CouncilSession.Recording.TALLIES
    if by_tally and votes:
        raise DossierActionError(_("This session records the tally per commune, not each member's vote."))
    strangers = (set(present) | {member for _, member in votes}) - set(members)
    if strangers:
        raise DossierActionError(_("Only the council's members attend and vote."))
    if any(item not in items for item, _ in votes):
        raise DossierActionError(_("A vote names a commune that is not on this session's agenda."))
    absent_votes = [members[m] for _, m in votes if m not in present or not members[m].votes]
    if absent_votes:
        raise DossierActionError(
            _("Only present voting members vote: %(names)s did not attend or do not vote.")
            % {"names": ", ".join(sorted({m.user.get_full_name() for m in absent_votes}))}
        )
    if any(choice not in Vote.Choice.values for choice in votes.values()):
        raise DossierActionError(_("A vote is for, against or abstain."))
    voting_present = sum(1 for pk in present if members[pk].votes)
    tallies = tallies or {}
    if any(item not in items for item in tallies):
        raise DossierActionError(_("A vote names a commune that is not on this session's agenda."))
    too_many = [
        agenda[item].dossier.commune.name
        for item, counts in tallies.items()
        if min(counts) < 0 or sum(counts) > voting_present
    ]
    if too_many:
        raise DossierActionError(
            _(
                "A tally counts at most the %(present)s voting members present, none below zero: "
                "correct %(names)s."
            )
            % {"present": voting_present, "names": ", ".join(too_many)}
        )
    Attendance.objects.filter(session=locked).delete()
    Attendance.objects.bulk_create(
        [Attendance(session=locked, member_id=pk, present=pk in present) for pk in members]
    )
    Vote.objects.filter(item__session=locked).delete()
    Vote.objects.bulk_create(
        [Vote(item_id=item, member_id=member, choice=choice) for (item, member), choice in votes.items()]
    )
    for item_pk, reason in (reasons or {}).items():
        if item_pk in items:
            agenda[item_pk].reason = nfc(reason).strip()
    if by_tally:
        for item_pk, (for_, against, other) in tallies.items():
            agenda[item_pk].votes_for, agenda[item_pk].votes_against, agenda[item_pk].abstentions = (
                for_,
                against,
                other,
            )
    AgendaItem.objects.bulk_update(agenda.values(), ["reason", "votes_for", "votes_against", "abstentions"])
    changed = []
    if ends_at is not None:
        locked.ends_at = ends_at
        changed.append("ends_at")
    if conclusion is not None:
        locked.conclusion = nfc(conclusion).strip()
        changed.append("conclusion")
    if changed:
        locked.save(update_fields=changed)


@transaction.atomic
def session_recording_set(*, session: CouncilSession, actor, recording: str) -> CouncilSession:
    """The secretary chooses how the session's vote is recorded: each member's vote, or the tally per
    commune. Votes already recorded become the tallies; tallies cannot become votes (who voted how is
    not known), so switching back is refused while a tally is recorded."""
    if not can_keep_minutes(session.council.province, actor):
        raise PermissionDenied
    locked = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != CouncilSession.Status.SCHEDULED:
        raise DossierConflict(_("The session is closed: its votes can no longer change."))
    if recording not in CouncilSession.Recording.values:
        raise DossierActionError(_("Choose how the vote is recorded."))
    if recording == locked.recording:
        return locked
    items = list(locked.items.prefetch_related("votes"))
    if recording == CouncilSession.Recording.TALLIES:
        for item in items:
            choices = [v.choice for v in item.votes.all()]
            item.votes_for = choices.count(Vote.Choice.FOR)
            item.votes_against = choices.count(Vote.Choice.AGAINST)
            item.abstentions = choices.count(Vote.Choice.ABSTAIN)
        AgendaItem.objects.bulk_update(items, ["votes_for", "votes_against", "abstentions"])
        Vote.objects.filter(item__session=locked).delete()
    elif any(item.votes_for or item.votes_against or item.abstentions for item in items):
        raise DossierActionError(
            _("Tallies are recorded: who voted how is not known. Set each tally to zero first.")
        )
    locked.recording = recording
    locked.save(update_fields=["recording"])
    return locked


def session_quorum(session: CouncilSession) -> tuple[int, int, bool]:
    """(present voting members, voting members, whether the session holds: holds_quorum)."""
    voting = {m.pk for m in session.council.voting_members()}
    present = set(session.attendance.filter(present=True).values_list("member_id", flat=True)) & voting
    return (
        len(present),
        len(voting),
        holds_quorum(present=len(present), voting=len(voting), rules=council_rules(session)),
    )


def is_recommended(votes_for: int, present: int, *, rules) -> bool:
    """Recommended when its votes for exceed the procedure's `council_majority_share` (of the criteria
    set `rules`, council_rules) of the members present."""
    return votes_for > rules.decision_rule("council_majority_share") * present


def items_missing_votes(cast: dict, voters: set[int]) -> list:
    """The agenda items whose votes are not exactly those of the present voting members."""
    return [
        item
        for item, votes in cast.items()
        if (votes != len(voters) if isinstance(votes, int) else votes != voters)
    ]


def session_closing_refusals(
    *, session: CouncilSession, ends_at, present: set[int], voting: set[int], cast: dict
) -> dict[str, str]:
    """What closing the session refuses, keyed by the form's field to mark ("" for the form as a
    whole): the service checks the saved record with it, the session's page the typed one before the
    confirmation. `cast` gives each agenda item its votes: the members who voted, or the tally's total."""
    refusals: dict[str, str] = {}
    if ends_at is None or ends_at <= session.starts_at:
        refusals["ends_at"] = str(_("The session must end after it starts."))
    if session.held_on > timezone.localdate():
        refusals["held_on"] = str(_("A session cannot be closed before the day it is held."))
    voters = voting & present
    rules = council_rules(session)
    if not holds_quorum(present=len(voters), voting=len(voting), rules=rules):
        percent = round(rules.decision_rule("council_quorum_share") * 100, 1)
        refusals["present"] = str(
            _("No quorum: %(present)s of %(members)s members present; more than %(share)s%% must attend.")
            % {
                "present": len(voters),
                "members": len(voting),
                "share": formats.number_format(percent, decimal_pos=0 if percent == int(percent) else 1),
            }
        )
    if missing := [str(item.dossier.commune.name) for item in items_missing_votes(cast, voters)]:
        refusals["votes"] = str(
            _("Every present member votes on every commune; votes are missing on: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return refusals


@transaction.atomic
def session_close(
    *,
    session: CouncilSession,
    actor,
    ends_at=None,
    conclusion: str | None = None,
    reasons: dict[int, str] | None = None,
) -> CouncilSession:
    """Kết thúc phiên họp: with a quorum and every present member's vote on every commune, each
    commune is recommended or not by the tally, its dossier moves (with its history row), and the
    minutes are numbered in the standing body's register and rendered by a worker."""
    council = session.council
    if not can_keep_minutes(council.province, actor):
        raise PermissionDenied
    locked = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != CouncilSession.Status.SCHEDULED:
        raise DossierConflict(_("The session is already closed."))
    ends_at = ends_at or locked.ends_at  # typed now, or saved with the draft
    # The present voting members, in one query (not one per member).
    present_ids = set(locked.attendance.filter(present=True).values_list("member_id", flat=True))
    voting = {m.pk for m in council.voting_members()}
    items = list(locked.items.select_related("dossier__commune").prefetch_related("votes"))
    by_tally = locked.recording == CouncilSession.Recording.TALLIES
    refusals = session_closing_refusals(
        session=locked,
        ends_at=ends_at,
        present=present_ids,
        voting=voting,
        cast={
            item: (item.votes_for + item.votes_against + item.abstentions)
            if by_tally
            else {v.member_id for v in item.votes.all()}
            for item in items
        },
    )
    if refusals:
        raise DossierActionError(" ".join(refusals.values()))
    voters = voting & present_ids
    present, members = len(voters), len(voting)
    rules = council_rules(session)
    # The reasons typed now, else those saved with the draft.
    reasons = {item.pk: item.reason for item in items} | (reasons or {})
    for item in items:
        counts = {choice: 0 for choice in Vote.Choice.values}
        if by_tally:
            counts = {"for": item.votes_for, "against": item.votes_against, "abstain": item.abstentions}
        for vote in item.votes.all():
            counts[vote.choice] += 1
        recommended = is_recommended(counts["for"], present, rules=rules)
        item.votes_for, item.votes_against, item.abstentions = (
            counts["for"],
            counts["against"],
            counts["abstain"],
        )
        item.outcome = AgendaItem.Outcome.RECOMMENDED if recommended else AgendaItem.Outcome.NOT_RECOMMENDED
        item.reason = nfc(reasons.get(item.pk, "")).strip()
        tally = _(
            "Council session of %(day)s: %(for)s for, %(against)s against, %(abstain)s other opinions."
        ) % {
            "day": locked.held_on.strftime("%d/%m/%Y"),
            "for": counts["for"],
            "against": counts["against"],
            "abstain": counts["abstain"],
        }
        if item.reason:
            tally += " " + _("The council's reason: %(reason)s") % {"reason": item.reason}
        elif not recommended:
            # Nothing typed: the application's sentence, said to be one in the history.
            item.reason = _("The votes for it did not reach the majority of the members present.")
            tally += " " + _("No reason was typed; the application's sentence: %(reason)s") % {
                "reason": item.reason
            }
        item.save()
        dossier_council_outcome(dossier=item.dossier, actor=actor, recommended=recommended, reason=tally)
    locked.status = CouncilSession.Status.CLOSED
    locked.ends_at = ends_at
    locked.conclusion = nfc(conclusion if conclusion is not None else locked.conclusion).strip()
    locked.closed_by = actor
    locked.present_count, locked.members_count = present, members
    locked.save()
    body = issuing_body_for(unit=council.province, kind=IssuingBody.Kind.POLICE)

    def session_document(kind: str, series: str) -> Document:
        """A document of the session, numbered in the standing body's register on the session's day."""
        return Document.objects.create(
            kind=kind,
            session=locked,
            province=council.province,
            year=council.year,
            requested_at=timezone.now(),
            issued_on=locked.held_on,
            number=_next_number(
                body=body, series=series, issued_on=locked.held_on, label=f"council {locked.pk}"
            ),
            symbol=body.symbol(series),
        )

    documents = [session_document(Document.Kind.COUNCIL_MINUTES, "council_minutes")]
    if any(item.outcome == AgendaItem.Outcome.NOT_RECOMMENDED for item in items):
        # One notice tells the communes not recommended, each with the council's reason.
        documents.append(session_document(Document.Kind.COUNCIL_NOTICE, "council_notice"))
    _enqueue_after_commit([d.pk for d in documents])
    with translation.override(settings.LANGUAGE_CODE):
        recommended = [i.dossier.commune.name for i in items if i.outcome == AgendaItem.Outcome.RECOMMENDED]
        _tell_the_council(
            locked,
            subject=_("Minutes %(number)s of the council session of %(day)s")
            % {"number": documents[0].number_display, "day": locked.held_on.strftime("%d/%m/%Y")},
            note=_("Recommended: %(recommended)s. Not recommended: %(not_recommended)s.")
            % {
                "recommended": ", ".join(recommended) or "—",
                "not_recommended": ", ".join(
                    i.dossier.commune.name for i in items if i.outcome != AgendaItem.Outcome.RECOMMENDED
                )
                or "—",
            },
        )
    return locked


# --- the chairman's decision with its annex (Decision 28/2025) ------------------------------------


def recommended_dossiers(*, province, year: int):
    """The communes the council recommended for `year`, waiting for the chairman's decision."""
    return (
        Dossier.objects.filter(
            state__in=workflow.sources_of("leave_out"), year=year, commune__province=province
        )
        .select_related("commune", "criteria_set", "appraisal")
        .order_by("commune__name")
    )


@transaction.atomic
def collective_decision_record(
    *,
    province,
    year: int,
    actor,
    listed: list[int],
    left_out: dict[int, str] | None = None,
    decided_on: datetime.date | None = None,
    signer_title: str = "",
) -> CollectiveDecision:
    """Quyết định công nhận: one decision of the provincial chairman (or a vice-chairman, "KT. CHỦ TỊCH")
    recognising the recommended communes `listed` (dossier ids), with an annex; those `left_out` go
    back to "appraised" with the reason, for the council's next session. One number for the whole
    decision in the provincial People's Committee's register (or a draft until the clerk numbers it).
    The list must be the one the chairman saw: if another decision took some of them meanwhile, this
    one is refused and says which (the province's row serialises two chairs issuing at once)."""
    from communes.models import Province
    from communes.permissions import has_unit_perm

    if not has_unit_perm(actor, "decide_province_dossiers", province):
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
                else _(" (a decision approved on %(day)s)") % {"day": taken.approved_on.strftime("%d/%m/%Y")},
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
    sessions = list(
        CouncilSession.objects.filter(items__dossier__in=dossiers, status=CouncilSession.Status.CLOSED)
        .distinct()
        .order_by("held_on")
    )
    _check_issue_date(
        dossier=dossiers[0],
        day=decided_on,
        not_before=[(s.held_on, _("the council session it rests on")) for s in sessions]
        + [
            (d.appraisal.proposal_date, _("the police's proposal"))
            for d in dossiers
            if hasattr(d, "appraisal")
        ],
    )
    bases = _citations(dossier=dossiers[0], document_kind="recognition", on=decided_on)
    for pk, reason in left_out.items():
        dossier_decide(dossier=waiting[pk], actor=actor, outcome="left_out", reason=reason)
    body = deciding_body(dossiers[0])
    by_clerk = body.numbering == IssuingBody.Numbering.CLERK
    minutes = Document.objects.filter(kind=Document.Kind.COUNCIL_MINUTES, session__in=sessions).order_by("pk")
    collective = CollectiveDecision(
        province=province,
        evaluated_year=year,
        **_issued_by(body=body, actor=actor, decided_on=decided_on, signer_title=signer_title),
        legal_bases=bases,
        grounds=[
            {"number": m.number_display, "date": m.issued_on.isoformat()} for m in minutes if m.issued_on
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
        locked = dossier_decide(dossier=dossier, actor=actor, outcome=RecognitionDecision.Outcome.RECOGNISED)
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
            legal_bases=bases,
            valid_until=default_valid_until(year=locked.year, criteria_set=locked.criteria_set),
        )
        if not by_clerk:
            _end_earlier_recognitions(decision)
    document = Document.objects.create(
        kind=Document.Kind.COLLECTIVE_DECISION,
        collective=collective,
        province=province,
        year=year,
        requested_at=timezone.now(),
        draft=by_clerk,
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


# --- the report to the Ministry (Decision 28/2025, before 20 December) ------------------------------


@transaction.atomic
def ministry_report_request(
    *, province, year: int, actor, issued_on: datetime.date | None = None, signer_title: str = ""
) -> Document:
    """Báo cáo: the provincial police's report of the year's results to the Ministry, as things stand
    on its date (the chairman's decision may come later: neither waits for the other). Numbered in the
    provincial police's register; its figures are fixed in the document, for its PDF and spreadsheet."""
    from .selectors import ministry_report_figures

    if not can_manage_council(province, actor):
        raise PermissionDenied
    return _police_document(
        kind=Document.Kind.MINISTRY_REPORT,
        province=province,
        body=issuing_body_for(unit=province, kind=IssuingBody.Kind.POLICE),
        year=year,
        actor=actor,
        issued_on=issued_on,
        signer_title=signer_title,
        series="report",
        symbol_of="report",
        label=f"report {year}",
        busy=_("The %(year)s report is already being prepared; it will appear below."),
        figures=ministry_report_figures(province=province, year=year),
    )


@transaction.atomic
def ministry_report_mark_sent(*, document: Document, actor, sent_on: datetime.date) -> Document:
    """The day the report went to the Ministry, recorded by the provincial police."""
    if not can_manage_council(document.province, actor):
        raise PermissionDenied
    if sent_on > timezone.localdate() or (document.issued_on and sent_on < document.issued_on):
        raise DossierActionError(_("The report is sent on or after its date, and not in the future."))
    Document.objects.filter(pk=document.pk).update(sent_on=sent_on)
    document.refresh_from_db()
    return document


def ministry_report_xlsx(document: Document) -> bytes:
    """The report's figures as a spreadsheet, by the exports' neutralising writer (no cell is ever a
    formula): the summary; the classes with their number of units; one row per unit, with its class and
    whether it is recognised or recommended (the PDF's lists)."""
    from communes.exports import xlsx_bytes

    figures = document.figures
    title = f"Báo cáo số {document.number_display}: kết quả xét công nhận năm {figures['year']}"
    summary = [
        ["Năm", figures["year"]],
        ["Số đơn vị cấp xã", figures["units"]],
        ["Đã được công nhận", len(figures["recognised"])],
        ["Hội đồng đề nghị công nhận", len(figures["recommended"])],
        ["Tỷ lệ (%)", figures["percent"]],
        ["Chỉ tiêu (%)", figures["target_percent"]],
        ["Chỉ tiêu (số đơn vị)", figures["target_units"]],
        [f"Năm {figures['previous']['year']}: được công nhận", figures["previous"]["recognised"]],
        [f"Năm {figures['previous']['year']}: số đơn vị", figures["previous"]["units"]],
    ]
    classes = [[label, len(figures["classes"].get(key, []))] for key, label in CLASS_LABELS.items()]
    # By class as the PDF lists them, each class in the order of the units' names.
    class_of = {name: CLASS_LABELS[key] for key in CLASS_LABELS for name in figures["classes"].get(key, [])}
    recognised, recommended = set(figures["recognised"]), set(figures["recommended"])
    units = [
        [
            index,
            name,
            class_of[name],
            "Đã được công nhận"
            if name in recognised
            else "Hội đồng đề nghị công nhận"
            if name in recommended
            else "",
        ]
        for index, name in enumerate(class_of, start=1)
    ]
    return xlsx_bytes(
        [
            {"sheet": "Tổng hợp", "header": ["Nội dung", "Số liệu"], "rows": summary, "title": title},
            {"sheet": "Phân loại", "header": ["Phân loại", "Số đơn vị"], "rows": classes, "title": title},
            {
                "sheet": "Danh sách đơn vị",
                "header": ["STT", "Đơn vị cấp xã", "Phân loại", "Kết quả"],
                "rows": units,
                "title": title,
            },
        ]
    )


# The Article 4 classes as the report names them (Vietnamese: the report is an official document).
CLASS_LABELS = {
    "I": "Địa bàn trọng điểm loại I",
    "II": "Địa bàn trọng điểm loại II",
    "III": "Địa bàn trọng điểm loại III",
    "none": "Không thuộc địa bàn trọng điểm",
    "not_reported": "Chưa báo cáo số liệu",
}
