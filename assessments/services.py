"""Everything that writes on dossiers. Each public function is one transaction.

A state change, whole: lock the row, check the guardian permission, call the transition, save,
write the history row, notify whoever acts next, and send e-mail only after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from communes.models import Commune, IssuingBody, RegisterNumber
from communes.permissions import can_manage_cycles, has_unit_perm, holders_of
from communes.services import RegisterError, issuing_body_for, register_next, register_take
from communes.text import nfc

from . import classification, workflow
from . import evidence as evidence_files
from . import permissions as perms
from .models import (
    Answer,
    Appraisal,
    AppraisalMember,
    CriteriaSet,
    Criterion,
    CycleCommune,
    Dossier,
    DossierEvent,
    EvaluationCycle,
    Evidence,
    EvidenceRemoval,
    Finding,
    InspectionTeam,
    Notification,
    SituationCounts,
)
from .notifications import notifications_mail
from .selectors import criteria_set_for
from .workflow import PROCEDURES

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class DossierActionError(Exception):
    """An action that cannot be done now; `message` says why, `problems` lists what is missing."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class DossierConflict(DossierActionError):
    """Someone else changed the dossier since the user loaded the page."""


def _conflict() -> DossierConflict:
    return DossierConflict(
        _(
            "Someone else changed this dossier while you were working on it. Nothing was overwritten: "
            "reload the page to see the current version."
        )
    )


def _lock(dossier_id: int) -> Dossier:
    # select_for_update: two officials acting at once are serialised; the second sees the new state.
    return Dossier.objects.select_for_update(of=("self",)).with_page_relations().get(pk=dossier_id)


def _check_version(dossier: Dossier, expected_version: int | None) -> None:
    if expected_version is not None and dossier.version != expected_version:
        raise _conflict()


def _bump_version(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1, updated_at=timezone.now())
    dossier.version += 1


# --- opening ------------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *,
    commune: Commune,
    year: int,
    actor: User | None,
    criteria_set: CriteriaSet | None = None,
    cycle: EvaluationCycle | None = None,
) -> Dossier:
    """Open the commune's dossier for `year` with the criteria set in force that year.

    The unit must exist on the last day of the evaluation period (a 2025 dossier is the new unit's, not
    the old one's); a procedure that runs through the province's yearly cycle opens dossiers only for
    the communes of the cycle. A re-evaluation under the same set starts from last year's answers,
    counts and evidence, each marked as carried over until confirmed or replaced."""
    if actor is not None and not perms.can_open(commune, actor):
        raise PermissionDenied
    if Dossier.objects.filter(commune=commune, year=year).exists():
        raise DossierActionError(_("A dossier for %(year)s already exists.") % {"year": year})
    criteria_set = criteria_set or (cycle.criteria_set if cycle else criteria_set_for(year=year))
    if criteria_set is None:
        raise DossierActionError(_("No criteria set applies to %(year)s.") % {"year": year})
    period_end = criteria_set.evaluation_period(year)[1]
    if not commune.is_valid_on(period_end):
        raise DossierActionError(
            _(
                "%(name)s did not exist on %(day)s, the end of the %(year)s evaluation period: open the dossier of the unit in place then."
            )
            % {"name": commune.name, "day": period_end.strftime("%d/%m/%Y"), "year": year}
        )
    if PROCEDURES[criteria_set.procedure].opens_through_cycle and cycle is None:
        raise DossierActionError(
            _(
                "Dossiers for %(year)s are opened by the province's evaluation cycle: register the commune for it."
            )
            % {"year": year}
        )
    history = [commune.pk, *commune.predecessors.values_list("pk", flat=True)]
    was_recognised = Dossier.objects.filter(
        commune__in=history, year=year - 1, state__in=Dossier.RECOGNISED_STATES
    ).exists()
    dossier = Dossier.objects.create(
        commune=commune, year=year, criteria_set=criteria_set, is_reevaluation=was_recognised, cycle=cycle
    )
    previous = (
        Dossier.objects.filter(commune=commune, year=year - 1, criteria_set__code=criteria_set.code)
        .select_related("criteria_set")
        .first()
    )
    if previous is not None:
        _carry_over(previous=previous, dossier=dossier)
    return dossier


def _carry_over(*, previous: Dossier, dossier: Dossier) -> None:
    """Copy last year's answers, counts and evidence into the new dossier, marked as carried over."""
    by_code = {c.code: c for c in dossier.applicable_criteria()}
    for answer in previous.answers.select_related("criterion"):
        criterion = by_code.get(answer.criterion.code)
        if criterion is not None:
            Answer.objects.create(
                dossier=dossier,
                criterion=criterion,
                value_bool=answer.value_bool,
                value_number=answer.value_number,
                explanation=answer.explanation,
                carried_over=True,
            )
    counts = previous.situation()
    if counts is not None:
        counts.pk, counts.dossier, counts.carried_over = None, dossier, True
        counts.save()
    for item in previous.evidence.select_related("criterion"):
        criterion = by_code.get(item.criterion.code)
        if criterion is None:
            continue
        copy = Evidence(
            dossier=dossier,
            criterion=criterion,
            original_name=item.original_name,
            extension=item.extension,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=item.uploaded_by,
            carried_over=True,
        )
        with item.file.open("rb") as handle:
            copy.file.save("upload", File(handle), save=False)
        copy.save()


# --- transitions ----------------------------------------------------------------------------------


def _transition(
    *,
    dossier: Dossier,
    actor: User | None,
    name: str,
    comment: str = "",
    expected_version: int | None = None,
    against_recommendation: bool = False,
    signed_as: str = "",
    to_state: str | None = None,
) -> Dossier:
    locked = _lock(dossier.pk)
    if actor is not None and not perms.can_view(locked, actor):
        raise PermissionDenied
    method = getattr(locked, name)
    meta = method._django_fsm
    if not meta.has_transition(locked.state):
        raise DossierConflict(
            _("This action is not possible now: the dossier is “%(state)s”. Reload the page.")
            % {"state": locked.get_state_display()}
        )
    if actor is not None and not meta.has_transition_perm(locked, locked.state, actor):
        raise PermissionDenied
    _check_version(locked, expected_version)
    comment = nfc(comment).strip()
    if refusal := workflow.step_refusal(locked, name):
        raise DossierConflict(refusal)
    if workflow.reason_required(locked, name) and not comment:
        raise DossierActionError(_("Give a reason."))
    if missing := step_problems(dossier=locked, transition=name):
        raise missing

    from_state = locked.state
    for effect in workflow.step_effects(locked, name):
        STEP_EFFECTS[effect](locked, actor)
    keeps_snapshot = workflow.keeps_snapshot(locked, name)
    taken = workflow.step(locked, name)
    if to_state is not None and (taken is None or to_state not in taken.targets):
        raise DossierConflict(
            _("This action is not possible now: the dossier is “%(state)s”. Reload the page.")
            % {"state": locked.get_state_display()}
        )
    try:
        method(to_state) if to_state is not None else method()
    except TransitionNotAllowed as exc:
        raise _conflict() from exc
    locked.version += 1
    locked.state_changed_at = timezone.now()
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise _conflict() from exc
    event = DossierEvent.objects.create(
        dossier=locked,
        actor=actor,
        # A decision's signer with the capacity they signed in: "Nguyễn Văn B, Q. Chủ tịch".
        actor_name=(", ".join(filter(None, [actor.get_full_name(), signed_as])) if actor else "")[:150],
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        against_recommendation=against_recommendation,
        snapshot=dossier_snapshot(locked) if keeps_snapshot else {},
        object_repr=str(locked)[:200],
    )
    if workflow.appraisal_open(locked):  # the police record the appraisal from now on
        Appraisal.objects.get_or_create(dossier=locked, defaults={"appraised_by": actor})
    if taken is None or not taken.outside:  # what happened outside the application tells no one now
        _notify_next_actors(dossier=locked, event=event)
    return locked


def dossier_snapshot(dossier: Dossier) -> dict:
    """What the commune's dossier holds now (answers, counts, files), as JSON for `DossierEvent.snapshot`."""
    with translation.override(settings.LANGUAGE_CODE):
        answers = {
            str(a.criterion_id): {"value": a.value_display, "explanation": a.explanation}
            for a in dossier.answers.select_related("criterion")
        }
    counts = dossier.situation()
    return {
        "answers": answers,
        "counts": {f: str(getattr(counts, f)) for f in counts.COUNT_FIELDS} if counts is not None else {},
        "evidence": list(dossier.evidence.values_list("pk", flat=True)),
    }


def _number_appraisal(dossier: Dossier, actor: User | None = None) -> None:
    """The appraisal's own paper (the minutes, or the provincial police's report) and, where there is one
    per dossier, the proposal (Tờ trình) take their numbers in the appraising police command's register
    (the table's AppraisalPapers): given here by the application, or checked against it when the
    command's clerk gave them."""
    appraisal = dossier.appraisal
    papers = workflow.appraisal_papers(dossier)
    body = issuing_body_for(unit=workflow.appraising_unit(dossier), kind=IssuingBody.Kind.POLICE)
    label = f"dossier {dossier.pk}"
    numbered = [("paper", papers.paper_series, appraisal.inspection_date, appraisal.minutes_number)]
    if papers.proposal_kind:
        numbered.append(("proposal", "proposal", appraisal.proposal_date, appraisal.proposal_number))
    numbers: dict[str, int | None] = {"paper": None, "proposal": None}
    try:
        for part, series, day, current in numbered:
            # The step needs the appraisal complete (workflow NEEDS): its inspection and proposal dates
            # are set, and under the clerk's numbering their numbers too.
            assert day is not None
            if (
                current
                and RegisterNumber.objects.filter(
                    body=body, series=series, year=day.year, number=current, label=label
                ).exists()
            ):
                # Numbered when the appraisal was first completed (it was sent back since): kept.
                numbers[part] = current
            elif body.numbering == IssuingBody.Numbering.CLERK:
                assert current is not None
                numbers[part] = register_take(
                    body=body, series=series, number=current, issued_on=day, label=label
                )
            else:
                numbers[part] = register_next(body=body, series=series, issued_on=day, label=label)
    except RegisterError as error:
        raise DossierActionError(error.message) from error
    Appraisal.objects.filter(pk=appraisal.pk).update(
        minutes_number=numbers["paper"],
        minutes_symbol=body.symbol(papers.paper_series),
        proposal_number=numbers["proposal"],
        proposal_symbol=body.symbol("proposal") if papers.proposal_kind else "",
        police_body=body.name,
    )
    appraisal.refresh_from_db()


# What the steps' `effects` (in the workflow table) name: done before the dossier moves, with the
# dossier and who takes the step. The apps above register theirs when they are ready (recognition
# renders the appraisal's papers): assessments never imports them.
STEP_EFFECTS: dict[str, Callable[[Dossier, User | None], None]] = {"number_appraisal": _number_appraisal}


def register_step_effect(name: str, effect: Callable[[Dossier, User | None], None]) -> None:
    STEP_EFFECTS[name] = effect


def _next_actors(dossier: Dossier) -> list:
    """Who acts on the dossier in its state, by the workflow table (through guardian, never by hand)."""
    users: dict[int, object] = {}
    for codename, level in workflow.actors_of(dossier):
        unit = workflow.unit_for(dossier, level)
        if unit is not None:
            users.update((u.pk, u) for u in _holders(unit, codename))
    return list(users.values())


def _holders(unit, codename: str):
    return holders_of(codename, unit)


def _notify_next_actors(*, dossier: Dossier, event: DossierEvent) -> None:
    recipients = [u for u in _next_actors(dossier) if u.pk != (event.actor_id or 0)]
    _notify(dossier=dossier, recipients=recipients, event=event)


def notify_officials(*, recipients, subject: str, note: str, link: str) -> int:
    """A notice of work that belongs to no dossier (a council session called, its minutes, a decision
    waiting for its number): in the bell at once, in the caller's transaction, and by e-mail once it
    commits. `link` is the page it leads to. Each recipient is told once."""
    unique = list({u.pk: u for u in recipients}.values())
    notices = Notification.objects.bulk_create(
        [
            Notification(recipient=u, subject=nfc(subject)[:200], note=nfc(note)[:300], link=link)
            for u in unique
        ]
    )
    notifications_mail(notices)
    return len(notices)


def _notify(*, dossier: Dossier, recipients: list, event: DossierEvent | None = None, note: str = "") -> int:
    """In-app notices now, in the caller's transaction; e-mails once it commits."""
    notices = Notification.objects.bulk_create(
        [Notification(recipient=u, dossier=dossier, event=event, note=note) for u in recipients]
    )
    notifications_mail(notices)
    return len(notices)


def step_problems(*, dossier: Dossier, transition: str) -> DossierActionError | None:
    """What is still missing before `transition` (the commune's report, the appraisal), as the error
    the step raises: the dossier page asks it before the confirmation page, the step again when taken."""
    if (needs := workflow.step_needs(transition)) is None:
        return None
    why, check = needs
    problems = check(dossier=dossier)
    return DossierActionError(str(why), problems) if problems else None


@transaction.atomic
def dossier_act(
    *, dossier: Dossier, actor: User, transition: str, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """Take a transition of the workflow table as `actor` (the reason is kept when the step needs one)."""
    return _transition(
        dossier=dossier, actor=actor, name=transition, comment=reason, expected_version=expected_version
    )


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor: User, expected_version: int | None = None) -> Dossier:
    return _transition(dossier=dossier, actor=actor, name="submit", expected_version=expected_version)


def dossier_start_appraisal(*, dossier: Dossier, actor: User, expected_version: int | None = None) -> Dossier:
    return dossier_act(
        dossier=dossier, actor=actor, transition="start_appraisal", expected_version=expected_version
    )


def dossier_return_to_commune(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    return dossier_act(
        dossier=dossier,
        actor=actor,
        transition="return_to_commune",
        reason=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def dossier_complete_appraisal(
    *, dossier: Dossier, actor: User, expected_version: int | None = None
) -> Dossier:
    return _transition(
        dossier=dossier, actor=actor, name="complete_appraisal", expected_version=expected_version
    )


@transaction.atomic
def dossier_send_back(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    return _transition(
        dossier=dossier, actor=actor, name="send_back", comment=reason, expected_version=expected_version
    )


def dossier_decide(
    *,
    dossier: Dossier,
    actor: User,
    outcome: str,
    reason: str = "",
    expected_version: int | None = None,
    against_recommendation: bool = False,
    signed_as: str = "",
) -> Dossier:
    """Recognise, refuse or revoke. Called by `recognition.services`, which records the decision
    itself in the same transaction (and says whether it goes against the police's recommendation, and
    how its signer signs: "KT. Chủ tịch", kept with the name in the history)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_decide must run inside the decision's transaction")
    name = workflow.OUTCOME_TRANSITION[outcome]
    return _transition(
        dossier=dossier,
        actor=actor,
        name=name,
        comment=reason,
        expected_version=expected_version,
        against_recommendation=against_recommendation,
        signed_as=signed_as,
    )


def dossier_council_outcome(*, dossier: Dossier, actor: User, recommended: bool, reason: str = "") -> Dossier:
    """The review council's vote on an appraised dossier (Decision 28): recommended or not. Called by
    `recognition.services` when the secretary closes the session, inside its transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_council_outcome must run inside the session's transaction")
    name = "recommend" if recommended else "not_recommend"
    return _transition(dossier=dossier, actor=actor, name=name, comment=reason)


def dossier_record_outcome(
    *, commune: Commune, year: int, actor: User, outcome: str, comment: str, signed_as: str = ""
) -> Dossier:
    """Ghi nhận: the step `record_outcome` of the commune's dossier for `year`, to `outcome` (a state the
    step leads to from the dossier's state), for a decision issued outside the application. The dossier
    is opened in draft first when there is none, whatever the unit's standing today (a unit that no
    longer exists keeps its past) and without the province's cycle; it must have existed at the end of
    the evaluation period. Called by the recording service inside its transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_record_outcome must run inside the recording's transaction")
    dossier = Dossier.objects.filter(commune=commune, year=year).select_related("criteria_set").first()
    if dossier is None:
        criteria_set = criteria_set_for(year=year)
        if criteria_set is None:
            raise DossierActionError(_("No criteria set applies to %(year)s.") % {"year": year})
        if not commune.is_valid_in_year(year):
            raise DossierActionError(
                _("%(name)s did not exist in %(year)s.") % {"name": commune.name, "year": year}
            )
        dossier = Dossier.objects.create(commune=commune, year=year, criteria_set=criteria_set)
    else:
        found = workflow.step(dossier, "record_outcome")
        if found is None or outcome not in found.targets:
            raise DossierConflict(
                _(
                    "The dossier %(dossier)s is “%(state)s”: a decision issued outside the application can be recorded only on a dossier not yet sent (or, to revoke it, on a recognition)."
                )
                % {"dossier": dossier, "state": dossier.get_state_display()}
            )
    return _transition(
        dossier=dossier,
        actor=actor,
        name="record_outcome",
        comment=comment,
        signed_as=signed_as,
        to_state=outcome,
    )


def dossier_system_transition(*, dossier: Dossier, name: str, comment: str = "") -> Dossier:
    """A transition made by the system (expiry), with no user; inside the caller's transaction."""
    return _transition(dossier=dossier, actor=None, name=name, comment=comment)


# --- self-assessment --------------------------------------------------------------------------------


def _editable_for(dossier_id: int, actor: User, expected_version: int | None) -> Dossier:
    locked = _lock(dossier_id)
    if not perms.can_prepare(locked, actor):
        raise PermissionDenied
    if not locked.is_editable:
        raise DossierConflict(
            _("The dossier is “%(state)s” and can no longer be changed.")
            % {"state": locked.get_state_display()}
        )
    _check_version(locked, expected_version)
    return locked


@transaction.atomic
def self_assessment_save(
    *,
    dossier: Dossier,
    actor: User,
    answers: dict[int, tuple[Decimal | bool | None, str]],
    counts: dict | None = None,
    confirmed: set[int] | frozenset[int] = frozenset(),
    expected_version: int | None = None,
) -> Dossier:
    """Save the commune's answers as a draft: {criterion_id: (value, explanation)}, and, under Decision
    28, the counts (`counts`), from which the computed criteria take their values. An answer carried
    over from last year stays marked until it is changed or its criterion is in `confirmed`."""
    locked = _editable_for(dossier.pk, actor, expected_version)
    if counts is not None:
        _save_counts(locked, counts)
    criteria = {c.pk: c for c in locked.applicable_criteria()}
    existing = {a.criterion_id: a for a in locked.answers.all()}
    for criterion_id, (value, explanation) in answers.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        answer = existing.get(criterion_id) or Answer(dossier=locked, criterion=criterion)
        before = (answer.value_bool, answer.value_number, answer.explanation)
        if criterion.is_computed:
            pass  # never claimed: the value comes from the counts (_save_counts)
        elif criterion.measure == Criterion.Measure.BOOLEAN:
            answer.value_bool, answer.value_number = (None if value is None else bool(value)), None
        else:
            answer.value_bool = None
            answer.value_number = None if value is None else Decimal(value)
        answer.explanation = nfc(explanation).strip()
        changed = before != (answer.value_bool, answer.value_number, answer.explanation)
        if answer.carried_over and (changed or criterion_id in confirmed):
            answer.carried_over = False
        answer.save()
    if confirmed:
        locked.evidence.filter(criterion_id__in=confirmed, carried_over=True).update(carried_over=False)
    _bump_version(locked)
    return locked


def _save_counts(dossier: Dossier, values: dict) -> SituationCounts:
    """Store the counts, then compute from them what the commune may not claim: the criteria's values
    and the key-area classification (Article 4, with the set's rules)."""
    values = dict(values)
    confirm = values.pop("confirm", False)
    counts = dossier.situation() or SituationCounts(dossier=dossier)
    before = {name: getattr(counts, name) for name in values}
    for name, value in values.items():
        setattr(counts, name, nfc(value).strip() if isinstance(value, str) else value)
    if counts.carried_over and before != {name: getattr(counts, name) for name in values}:
        counts.carried_over = False
    if confirm:
        counts.carried_over = False
    _classify(dossier, counts)
    counts.save()
    dossier.counts = counts
    existing = {a.criterion_id: a for a in dossier.answers.all()}
    for criterion in dossier.applicable_criteria():
        if not criterion.is_computed:
            continue
        answer = existing.get(criterion.pk) or Answer(dossier=dossier, criterion=criterion)
        answer.value_bool, answer.value_number = None, counts.value_of(criterion.computed_from)
        answer.carried_over = False
        answer.save()
    return counts


def _classify(dossier: Dossier, counts: SituationCounts) -> None:
    rules = dossier.criteria_set.classification_rules
    if rules and counts.is_complete:
        found = classification.classify(counts, rules)
        counts.classification, counts.classification_basis = found.type, found.met
    else:
        counts.classification, counts.classification_basis = "", {}


# --- evidence -------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    dossier: Dossier,
    actor: User,
    criterion: Criterion,
    upload: UploadedFile,
    expected_version: int | None = None,
) -> Evidence:
    locked = _editable_for(dossier.pk, actor, expected_version)
    if criterion.criteria_set_id != locked.criteria_set_id:
        raise DossierActionError(_("This criterion does not belong to the dossier."))
    try:
        found = evidence_files.inspect(upload)
    except evidence_files.EvidenceRefused as refused:
        raise DossierActionError(str(refused)) from refused
    quota = settings.EVIDENCE_DOSSIER_QUOTA_BYTES
    stored = locked.evidence.aggregate(total=Sum("size"))["total"] or 0
    size, name = upload.size or 0, upload.name or ""
    if stored + size > quota:
        raise DossierActionError(
            _("“%(name)s” does not fit: the dossier's files may total %(limit)s MB and %(used)s MB are used.")
            % {
                "name": evidence_files.display_name(name),
                "limit": quota // (1024 * 1024),
                "used": round(stored / (1024 * 1024)),
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        dossier=locked,
        criterion=criterion,
        original_name=evidence_files.safe_name(name, found.extension),
        extension=found.extension,
        content_type=found.content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    try:
        evidence.file.save("upload", upload, save=False)
    except OSError as failure:
        # The disk is full or failing: the storage removed what it had written; this file is refused
        # and the save goes on with the others, the form as typed.
        logger.error("Evidence %r could not be written: %s", upload.name, failure)
        raise DossierActionError(
            _(
                "“%(name)s” could not be stored: the server could not write the file (its disk may be "
                "full). Nothing of it was kept; send it again later, and tell the administrator if it "
                "happens again."
            )
            % {"name": evidence_files.display_name(name)}
        ) from failure
    evidence.save()
    _bump_version(locked)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: User, expected_version: int | None = None) -> None:
    locked = _editable_for(evidence.dossier_id, actor, expected_version)
    stored = evidence.file.name
    storage = evidence.file.storage
    EvidenceRemoval.objects.create(
        dossier_id=evidence.dossier_id,
        criterion_id=evidence.criterion_id,
        original_name=evidence.original_name,
        uploaded_at=evidence.uploaded_at,
        removed_by=actor,
    )
    evidence.delete()
    _bump_version(locked)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- appraisal ------------------------------------------------------------------------------------


@transaction.atomic
def appraisal_save(
    *,
    dossier: Dossier,
    actor: User,
    inspection_date: datetime.date | None,
    members: list[dict],
    findings: dict[int, tuple[str, str]],
    recommendation: str,
    conclusion: str,
    counts_checked_on: datetime.date | None = None,
    started_at: datetime.time | None = None,
    ended_at: datetime.time | None = None,
    place: str = "",
    proposal_date: datetime.date | None = None,
    proposal_number: int | None = None,
    minutes_number: int | None = None,
    expected_version: int | None = None,
) -> Appraisal:
    """Save the police's draft appraisal: when and where, the team (with each one's duty), a finding
    per criterion {criterion_id: (result, note)}, the recommendation and the proposal's date."""
    locked = _lock(dossier.pk)
    if not perms.can_appraise(locked, actor):
        raise PermissionDenied
    if not workflow.appraisal_open(locked):
        raise DossierConflict(
            _("The dossier is “%(state)s”: the appraisal can no longer be changed.")
            % {"state": locked.get_state_display()}
        )
    _check_version(locked, expected_version)
    _check_appraisal_dates(
        dossier=locked,
        inspection_date=inspection_date,
        proposal_date=proposal_date,
        started_at=started_at,
        ended_at=ended_at,
    )
    appraisal, _created = Appraisal.objects.get_or_create(dossier=locked)
    appraisal.inspection_date = inspection_date
    appraisal.counts_checked_on = counts_checked_on
    appraisal.started_at, appraisal.ended_at = started_at, ended_at
    appraisal.place = nfc(place).strip()
    appraisal.proposal_date = proposal_date
    appraisal.proposal_number, appraisal.minutes_number = proposal_number, minutes_number
    appraisal.recommendation = recommendation
    appraisal.conclusion = nfc(conclusion).strip()
    appraisal.appraised_by = actor
    appraisal.save()
    appraisal.members.all().delete()
    AppraisalMember.objects.bulk_create(
        [
            AppraisalMember(
                appraisal=appraisal,
                duty=m.get("duty") or AppraisalMember.Duty.MEMBER,
                name=nfc(m["name"]).strip(),
                agency=m["agency"],
                position=nfc(m.get("position", "")).strip(),
                body=nfc(m.get("body", "")).strip(),
            )
            for m in members
            if m.get("name", "").strip()
        ]
    )
    criteria = {c.pk for c in locked.applicable_criteria()}
    existing = {f.criterion_id: f for f in appraisal.findings.all()}
    for criterion_id, (result, note) in findings.items():
        if criterion_id not in criteria:
            continue
        finding = existing.get(criterion_id)
        if not result:
            if finding:
                finding.delete()
            continue
        finding = finding or Finding(appraisal=appraisal, criterion_id=criterion_id)
        finding.result, finding.note = result, nfc(note).strip()
        finding.save()
    _bump_version(locked)
    return appraisal


def _check_appraisal_dates(
    *,
    dossier: Dossier,
    inspection_date: datetime.date | None,
    proposal_date: datetime.date | None,
    started_at: datetime.time | None,
    ended_at: datetime.time | None,
) -> None:
    """An inspection falls within or after the evaluated year; the proposal follows it; the meeting ends
    after it starts; nothing is dated in the future."""
    today = timezone.localdate()
    if inspection_date and inspection_date < datetime.date(dossier.year, 1, 1):
        raise DossierActionError(
            _("The inspection of the %(year)s evaluation cannot be dated before %(year)s.")
            % {"year": dossier.year}
        )
    if proposal_date and proposal_date > today:
        raise DossierActionError(_("The proposal cannot be dated in the future."))
    if proposal_date and inspection_date and proposal_date < inspection_date:
        raise DossierActionError(_("The proposal cannot be dated before the inspection it reports."))
    if started_at and ended_at and ended_at <= started_at:
        raise DossierActionError(_("The meeting must end after it starts."))


# --- notifications --------------------------------------------------------------------------------


def notifications_mark_read(*, user, dossier: Dossier | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if dossier is not None:
        qs = qs.filter(dossier=dossier)
    return qs.update(read_at=timezone.now())


# --- criteria sets --------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_new_version(*, criteria_set: CriteriaSet) -> CriteriaSet:
    """Copy a set and its criteria as the next version; the old one stops being offered.

    A set used by submitted dossiers is part of their record: changes go into a new version.
    """
    latest = CriteriaSet.objects.filter(code=criteria_set.code).order_by("-version").first()
    criteria = list(criteria_set.criteria.all())
    copy = CriteriaSet.objects.get(pk=criteria_set.pk)
    copy.pk = None
    copy.version = latest.version + 1
    copy.supersedes = criteria_set
    copy.is_active = True
    copy.save()
    for criterion in criteria:
        criterion.pk = None
        criterion.criteria_set = copy
    Criterion.objects.bulk_create(criteria)
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(is_active=False)
    return copy


# --- reminders ------------------------------------------------------------------------------------


def reminders_send(*, days: int) -> int:
    """Remind whoever must act on dossiers waiting longer than `days` (in-app and by e-mail)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    waiting = Dossier.objects.filter(
        state__in=workflow.waiting_states(), state_changed_at__lte=cutoff
    ).with_page_relations()
    sent = 0
    now = timezone.now()
    for dossier in waiting:
        days_waiting = (now - dossier.state_changed_at).days
        note = _("Reminder: this dossier has been “%(state)s” for %(days)s days.") % {
            "state": dossier.get_state_display(),
            "days": days_waiting,
        }
        with transaction.atomic():
            sent += _notify(dossier=dossier, recipients=_next_actors(dossier), note=note)
    return sent


# --- the yearly cycle (Decision 28/2025) -------------------------------------------------------------


@transaction.atomic
def cycle_open(
    *,
    province,
    year: int,
    actor: User,
    target_percent: Decimal,
    reports_due: datetime.date,
    ministry_report_due: datetime.date,
    plan_reference: str = "",
    assigned: list[Commune] | tuple = (),
    today: datetime.date | None = None,
) -> EvaluationCycle:
    """The provincial police open the year's cycle with the communes the plan assigns (giao chỉ tiêu);
    their dossiers open at once when the evaluation period has begun (else the daily beat opens them)."""
    if actor is not None and not can_manage_cycles(actor, province):
        raise PermissionDenied
    criteria_set = criteria_set_for(year=year)
    if criteria_set is None or not PROCEDURES[criteria_set.procedure].opens_through_cycle:
        raise DossierActionError(
            _("No criteria set evaluated through a yearly cycle applies to %(year)s.") % {"year": year}
        )
    if EvaluationCycle.objects.filter(province=province, year=year).exists():
        raise DossierActionError(_("The %(year)s cycle is already open.") % {"year": year})
    start, end = criteria_set.evaluation_period(year)
    # The report to the Ministry closes the cycle's year (before 20 December): no due date after it.
    last = datetime.date(year, 12, 31)
    for label, day in (
        (_("Commune reports due"), reports_due),
        (_("Report to the Ministry due"), ministry_report_due),
    ):
        if not start <= day <= last:
            raise DossierActionError(
                _("%(field)s: the date must lie between %(start)s and %(end)s, within the cycle of %(year)s.")
                % {
                    "field": label,
                    "start": start.strftime("%d/%m/%Y"),
                    "end": last.strftime("%d/%m/%Y"),
                    "year": year,
                }
            )
    if not (start <= reports_due <= ministry_report_due):
        raise DossierActionError(
            _(
                "The commune reports are due within the period (from %(start)s), before the report to the Ministry."
            )
            % {"start": start.strftime("%d/%m/%Y")}
        )
    cycle = EvaluationCycle.objects.create(
        province=province,
        year=year,
        criteria_set=criteria_set,
        target_percent=target_percent,
        reports_due=reports_due,
        ministry_report_due=ministry_report_due,
        plan_reference=nfc(plan_reference).strip(),
        opened_by=actor,
    )
    for commune in assigned:
        _enter(cycle=cycle, commune=commune, how=CycleCommune.How.ASSIGNED, actor=actor)
    if (today or timezone.localdate()) >= start:
        _open_cycle_dossiers(cycle)
    return cycle


def _enter(*, cycle: EvaluationCycle, commune: Commune, how: str, actor: User) -> CycleCommune:
    end = cycle.period[1]
    if commune.province_id != cycle.province_id or not commune.is_valid_on(end):
        raise DossierActionError(
            _("%(name)s is not a unit of the province for %(year)s.")
            % {"name": commune.name, "year": cycle.year}
        )
    entry, created = CycleCommune.objects.get_or_create(
        cycle=cycle, commune=commune, defaults={"how": how, "added_by": actor}
    )
    if not created:
        raise DossierActionError(
            _("%(name)s already takes part in the %(year)s cycle.")
            % {"name": commune.name, "year": cycle.year}
        )
    return entry


@transaction.atomic
def cycle_assign(*, cycle: EvaluationCycle, communes: list[Commune], actor: User) -> int:
    """The provincial police assign more communes to the cycle."""
    if not can_manage_cycles(actor, cycle.province):
        raise PermissionDenied
    for commune in communes:
        _enter(cycle=cycle, commune=commune, how=CycleCommune.How.ASSIGNED, actor=actor)
    return _open_cycle_dossiers(cycle) if timezone.localdate() >= cycle.period[0] else 0


@transaction.atomic
def cycle_register(*, cycle: EvaluationCycle, commune: Commune, actor: User) -> Dossier | None:
    """A commune not assigned by the plan registers itself for the year (đăng ký)."""
    if not perms.can_open(commune, actor):
        raise PermissionDenied
    _enter(cycle=cycle, commune=commune, how=CycleCommune.How.REGISTERED, actor=actor)
    if timezone.localdate() >= cycle.period[0]:
        _open_cycle_dossiers(cycle)
        return Dossier.objects.get(commune=commune, year=cycle.year)
    return None


def _open_cycle_dossiers(cycle: EvaluationCycle) -> int:
    opened = 0
    taken = set(
        Dossier.objects.filter(year=cycle.year, commune__cycle_entries__cycle=cycle).values_list(
            "commune", flat=True
        )
    )
    for entry in cycle.entries.select_related("commune").exclude(commune__in=taken):
        dossier_open(commune=entry.commune, year=cycle.year, actor=None, cycle=cycle)
        opened += 1
    return opened


def cycles_open_dossiers(*, today: datetime.date | None = None) -> int:
    """Daily (Celery beat): open the dossiers of every cycle whose period has begun."""
    today = today or timezone.localdate()
    opened = 0
    for cycle in EvaluationCycle.objects.select_related("criteria_set").filter(year__gte=today.year - 1):
        if cycle.period[0] <= today:
            with transaction.atomic():
                opened += _open_cycle_dossiers(cycle)
    return opened


REMIND_DAYS_BEFORE = (7, 3, 1, 0)


def cycle_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the communes whose report is not in yet, 7, 3 and 1 days before the due date, on the day,
    and every day after it."""
    today = today or timezone.localdate()
    sent = 0
    for cycle in EvaluationCycle.objects.filter(reports_due__gte=today - datetime.timedelta(days=31)):
        days_left = (cycle.reports_due - today).days
        if days_left not in REMIND_DAYS_BEFORE and days_left >= 0:
            continue
        due = cycle.reports_due.strftime("%d/%m/%Y")
        for dossier in cycle.dossiers.filter(state__in=workflow.editable_states()).with_page_relations():
            if days_left >= 0:
                note = _("The commune's %(year)s report is due on %(day)s (%(days)s days left).") % {
                    "year": cycle.year,
                    "day": due,
                    "days": days_left,
                }
            else:
                note = _("The commune's %(year)s report was due on %(day)s: send it now.") % {
                    "year": cycle.year,
                    "day": due,
                }
            with transaction.atomic():
                sent += _notify(dossier=dossier, recipients=_next_actors(dossier), note=note)
    return sent


# --- campaign work ----------------------------------------------------------------------------------


@transaction.atomic
def team_save(*, unit, actor: User, name: str, members: list[dict]) -> InspectionTeam:
    """Save (or replace, by name) an inspection team of `unit`'s police command."""
    if not has_unit_perm(actor, workflow.APPRAISE_PERMISSION[unit._meta.model_name], unit):
        raise PermissionDenied
    name = nfc(name).strip()
    if not name:
        raise DossierActionError(_("Give the team a name."))
    kept = [
        {k: nfc(str(m.get(k, ""))).strip() for k in ("duty", "name", "agency", "position", "body")}
        for m in members
        if str(m.get("name", "")).strip()
    ]
    if not kept:
        raise DossierActionError(_("The team has no member to save."))
    team, _created = InspectionTeam.objects.update_or_create(
        **{unit._meta.model_name: unit}, name=name, defaults={"members": kept, "saved_by": actor}
    )
    return team


def one_by_one(dossiers: list, act) -> tuple[list, list[tuple[Dossier, str]]]:
    """A campaign step taken on each dossier in its own transaction: one refused (changed meanwhile, not
    allowed) leaves the others done. Returns (what `act` returned for each done, refused with the reason)."""
    done, refused = [], []
    for dossier in dossiers:
        try:
            with transaction.atomic():
                done.append(act(dossier))
        except (DossierActionError, PermissionDenied) as error:
            refused.append((dossier, getattr(error, "message", str(_("Not allowed.")))))
    return done, refused


def appraisals_start(
    *,
    dossiers: list[Dossier],
    actor: User,
    team: InspectionTeam | None = None,
    inspection_date: datetime.date | None = None,
    place: str = "",
) -> tuple[list[Dossier], list[tuple[Dossier, str]]]:
    """Start the appraisal of several dossiers (a campaign), with the saved team (and the inspection's date
    and place) copied into each appraisal. Returns (started, refused with the reason)."""

    def start(dossier: Dossier) -> Dossier:
        moved = dossier_start_appraisal(dossier=dossier, actor=actor)
        if team is not None or inspection_date or place:
            appraisal_save(
                dossier=moved,
                actor=actor,
                inspection_date=inspection_date,
                members=team.members if team is not None else [],
                findings={},
                recommendation="",
                conclusion="",
                place=place,
            )
        return moved

    return one_by_one(dossiers, start)


def appraisals_complete(
    *, dossiers: list[Dossier], actor: User
) -> tuple[list[Dossier], list[tuple[Dossier, str]]]:
    """Complete several appraisals at once, each numbered in the register."""
    return one_by_one(dossiers, lambda dossier: dossier_complete_appraisal(dossier=dossier, actor=actor))
