"""Everything that writes on dossiers. Each public function is one transaction.

A state change, whole: lock the row, check the guardian permission, call the transition, save,
write the history row, notify whoever acts next, and send e-mail only after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from communes.fragments import cache_call
from communes.models import Commune
from communes.permissions import holders_of
from communes.text import nfc

from . import evidence as evidence_files
from . import permissions as perms
from .models import (
    REASON_REQUIRED,
    Answer,
    Appraisal,
    AppraisalMember,
    CriteriaSet,
    Criterion,
    Dossier,
    DossierEvent,
    Evidence,
    Finding,
    Notification,
)
from .selectors import appraisal_problems, criteria_set_for, submission_problems

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
def dossier_open(*, commune: Commune, year: int, actor, criteria_set: CriteriaSet | None = None) -> Dossier:
    """Open the commune's dossier for `year` with the criteria set in force that year."""
    if actor is not None and not perms.can_prepare(Dossier(commune=commune), actor):
        raise PermissionDenied
    if Dossier.objects.filter(commune=commune, year=year).exists():
        raise DossierActionError(_("A dossier for %(year)s already exists.") % {"year": year})
    criteria_set = criteria_set or criteria_set_for(year=year)
    if criteria_set is None:
        raise DossierActionError(_("No criteria set applies to %(year)s.") % {"year": year})
    was_recognised = Dossier.objects.filter(
        commune=commune, year=year - 1, state__in=Dossier.RECOGNISED_STATES
    ).exists()
    return Dossier.objects.create(
        commune=commune, year=year, criteria_set=criteria_set, is_reevaluation=was_recognised
    )


# --- transitions ----------------------------------------------------------------------------------


def _transition(
    *, dossier: Dossier, actor, name: str, comment: str = "", expected_version: int | None = None
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
    if name in REASON_REQUIRED and not comment:
        raise DossierActionError(_("Give a reason."))
    if name == "submit" and (problems := submission_problems(dossier=locked)):
        raise DossierActionError(_("The dossier cannot be submitted yet."), problems)
    if name == "complete_appraisal" and (problems := appraisal_problems(dossier=locked)):
        raise DossierActionError(_("The appraisal cannot be completed yet."), problems)

    from_state = locked.state
    try:
        method()
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
        actor_name=actor.get_full_name() if actor else "",
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        object_repr=str(locked)[:200],
    )
    _notify_next_actors(dossier=locked, event=event)
    return locked


def _next_actors(dossier: Dossier) -> list:
    """Who acts next after the dossier reached its state (through guardian, never by hand)."""
    commune, district = dossier.commune, dossier.commune.district
    state = dossier.state
    if state in Dossier.EDITABLE_STATES or state in (
        Dossier.State.RECOGNISED,
        Dossier.State.NOT_RECOGNISED,
        Dossier.State.REVOKED,
    ):
        return list(_holders(commune, "prepare_commune_dossiers"))
    if state in (Dossier.State.SUBMITTED, Dossier.State.UNDER_APPRAISAL):
        return list(_holders(district, "appraise_district_dossiers"))
    if state == Dossier.State.APPRAISED:
        if dossier.criteria_set.deciding_authority == "provincial_committee":
            return list(_holders(district.province, "decide_province_dossiers"))
        return list(_holders(district, "decide_district_dossiers"))
    return []


def _holders(unit, codename: str):
    return holders_of(codename, unit)


def _notify_next_actors(*, dossier: Dossier, event: DossierEvent) -> None:
    recipients = [u for u in _next_actors(dossier) if u.pk != (event.actor_id or 0)]
    _notify(dossier=dossier, recipients=recipients, event=event)


def _notify(*, dossier: Dossier, recipients: list, event: DossierEvent | None = None, note: str = "") -> int:
    """In-app notices now, in the caller's transaction; e-mails once it commits."""
    notices = Notification.objects.bulk_create(
        [Notification(recipient=u, dossier=dossier, event=event, note=note) for u in recipients]
    )
    if notices:
        ids = [n.pk for n in notices]
        transaction.on_commit(lambda: _send_emails_later(ids))
    return len(notices)


def _send_emails_later(notification_ids: list[int]) -> None:
    """E-mail is a courtesy on top of the in-app notice: a broker outage must not fail the request."""
    from .tasks import send_notification_emails

    try:
        send_notification_emails.apply_async(
            args=[notification_ids], retry=True, retry_policy=settings.CELERY_PUBLISH_RETRY
        )
    except Exception as exc:  # kombu OperationalError, redis ConnectionError...
        logger.warning("notification e-mails %s not enqueued: %s", notification_ids, exc)


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    return _transition(dossier=dossier, actor=actor, name="submit", expected_version=expected_version)


@transaction.atomic
def dossier_start_appraisal(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    locked = _transition(
        dossier=dossier, actor=actor, name="start_appraisal", expected_version=expected_version
    )
    Appraisal.objects.get_or_create(dossier=locked, defaults={"appraised_by": actor})
    return locked


@transaction.atomic
def dossier_return_to_commune(
    *, dossier: Dossier, actor, reason: str, expected_version: int | None = None
) -> Dossier:
    return _transition(
        dossier=dossier,
        actor=actor,
        name="return_to_commune",
        comment=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def dossier_complete_appraisal(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    return _transition(
        dossier=dossier, actor=actor, name="complete_appraisal", expected_version=expected_version
    )


@transaction.atomic
def dossier_send_back(
    *, dossier: Dossier, actor, reason: str, expected_version: int | None = None
) -> Dossier:
    return _transition(
        dossier=dossier, actor=actor, name="send_back", comment=reason, expected_version=expected_version
    )


def dossier_decide(
    *, dossier: Dossier, actor, outcome: str, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """Recognise, refuse or revoke. Called by `recognition.services`, which records the decision
    itself in the same transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_decide must run inside the decision's transaction")
    name = {"recognised": "recognise", "not_recognised": "refuse", "revoked": "revoke"}[outcome]
    return _transition(
        dossier=dossier, actor=actor, name=name, comment=reason, expected_version=expected_version
    )


def dossier_system_transition(*, dossier: Dossier, name: str, comment: str = "") -> Dossier:
    """A transition made by the system (expiry), with no user; inside the caller's transaction."""
    return _transition(dossier=dossier, actor=None, name=name, comment=comment)


# --- self-assessment --------------------------------------------------------------------------------


def _editable_for(dossier_id: int, actor, expected_version: int | None) -> Dossier:
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
    actor,
    answers: dict[int, tuple[Decimal | bool | None, str]],
    expected_version: int | None = None,
) -> Dossier:
    """Save the commune's answers as a draft: {criterion_id: (value, explanation)}."""
    locked = _editable_for(dossier.pk, actor, expected_version)
    criteria = {c.pk: c for c in locked.applicable_criteria()}
    existing = {a.criterion_id: a for a in locked.answers.all()}
    for criterion_id, (value, explanation) in answers.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        answer = existing.get(criterion_id) or Answer(dossier=locked, criterion=criterion)
        if criterion.measure == Criterion.Measure.BOOLEAN:
            answer.value_bool, answer.value_number = value, None
        else:
            answer.value_bool = None
            answer.value_number = None if value is None else Decimal(value)
        answer.explanation = nfc(explanation).strip()
        answer.save()
    _bump_version(locked)
    return locked


# --- evidence -------------------------------------------------------------------------------------

def _check_upload_rate(actor) -> None:
    """At most EVIDENCE_UPLOADS_PER_HOUR files per user per clock hour. Counted in the cache, and open
    when the cache is down: the per-dossier quota (in the database) still bounds what is stored."""
    limit = settings.EVIDENCE_UPLOADS_PER_HOUR
    key = f"upload-rate:{actor.pk}:{timezone.now():%Y%m%d%H}"
    cache_call("add", key, 0, 3600)
    count, counted = cache_call("incr", key)
    if not counted:  # the cache is unavailable: fail open (logged by cache_call)
        return
    if count > limit:
        raise DossierActionError(
            _("You have sent %(limit)s files in the last hour, the most allowed; try again later.")
            % {"limit": limit}
        )


@transaction.atomic
def evidence_add(
    *,
    dossier: Dossier,
    actor,
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
    if stored + upload.size > quota:
        raise DossierActionError(
            _("“%(name)s” does not fit: the dossier's files may total %(limit)s MB and %(used)s MB are used.")
            % {
                "name": evidence_files.display_name(upload.name),
                "limit": quota // (1024 * 1024),
                "used": round(stored / (1024 * 1024)),
            }
        )
    _check_upload_rate(actor)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        dossier=locked,
        criterion=criterion,
        original_name=evidence_files.safe_name(upload.name, found.extension),
        extension=found.extension,
        content_type=found.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    _bump_version(locked)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor, expected_version: int | None = None) -> None:
    locked = _editable_for(evidence.dossier_id, actor, expected_version)
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    _bump_version(locked)
    transaction.on_commit(lambda: storage.delete(stored))


# --- appraisal ------------------------------------------------------------------------------------


@transaction.atomic
def appraisal_save(
    *,
    dossier: Dossier,
    actor,
    inspection_date: datetime.date | None,
    members: list[dict],
    findings: dict[int, tuple[str, str]],
    recommendation: str,
    conclusion: str,
    expected_version: int | None = None,
) -> Appraisal:
    """Save the police's draft appraisal: team, per-criterion findings {criterion_id: (result, note)}."""
    locked = _lock(dossier.pk)
    if not perms.can_appraise(locked, actor):
        raise PermissionDenied
    if locked.state != Dossier.State.UNDER_APPRAISAL:
        raise DossierConflict(
            _("The dossier is “%(state)s”: the appraisal can no longer be changed.")
            % {"state": locked.get_state_display()}
        )
    _check_version(locked, expected_version)
    appraisal, _created = Appraisal.objects.get_or_create(dossier=locked)
    appraisal.inspection_date = inspection_date
    appraisal.recommendation = recommendation
    appraisal.conclusion = nfc(conclusion).strip()
    appraisal.appraised_by = actor
    appraisal.save()
    appraisal.members.all().delete()
    AppraisalMember.objects.bulk_create(
        [
            AppraisalMember(
                appraisal=appraisal,
                name=nfc(m["name"]).strip(),
                agency=m["agency"],
                position=nfc(m.get("position", "")).strip(),
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
        state__in=[
            *Dossier.EDITABLE_STATES,
            Dossier.State.SUBMITTED,
            Dossier.State.UNDER_APPRAISAL,
            Dossier.State.APPRAISED,
        ],
        state_changed_at__lte=cutoff,
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
