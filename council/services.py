"""The review council's work (Hội đồng xét duyệt, Decision 28/2025): its seats, its sessions, the
attendance and votes, and the closing that records each commune's outcome and numbers the minutes.
Each public function is one transaction."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Dossier
from assessments.services import (
    DossierActionError,
    DossierConflict,
    dossier_council_outcome,
    notify_officials,
)
from communes.locks import lock_rows
from communes.models import IssuingBody
from communes.permissions import follows_province
from communes.services import issuing_body_for
from communes.signing import SigningCapacity
from communes.text import nfc
from recognition.models import Document
from recognition.services.documents import numbered_document_request

from .models import AgendaItem, Attendance, CouncilMember, CouncilSession, ReviewCouncil, Vote
from .permissions import can_keep_minutes, can_manage_council

if TYPE_CHECKING:
    from accounts.models import User


def _tell(*, recipients, subject: str, note: str, link: str) -> int:
    return notify_officials(recipients=recipients, subject=str(subject), note=str(note), link=link)


def _tell_the_council(session: CouncilSession, *, subject: str, note: str) -> int:
    """The council's seats (members, chair, vice-chair, secretary), with the session's page."""
    from django.urls import reverse

    users = [m.user for m in session.council.members.select_related("user")]
    return _tell(
        recipients=users,
        subject=subject,
        note=note,
        link=reverse("council:session", args=[session.pk]),
    )


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


@transaction.atomic
def council_set_up(*, province, year: int, seats: list[dict], actor: User) -> ReviewCouncil:
    """Thành lập Hội đồng: the year's council from officials of the province, each with a seat (one
    chair, at most one vice-chair, one secretary, members) and the post printed in the minutes. Seats
    can be changed until the council's first session is closed."""
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
    outsiders = [u.get_full_name() for u in users if not follows_province(u, province)]
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
    *, council: ReviewCouncil, held_on: datetime.date, starts_at, place: str, dossiers: list, actor: User
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
    actor: User,
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
def session_recording_set(*, session: CouncilSession, actor: User, recording: str) -> CouncilSession:
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


def standing_body_signer(council: ReviewCouncil, actor: User) -> dict:
    """Who signs the standing body's Tờ trình: the council's vice-chair (the provincial police's director,
    Decision 28), else the official closing the session; as their post in the provincial police says."""
    from communes.selectors import signing_post

    vice_chair = council.members.filter(seat=CouncilMember.Seat.VICE_CHAIR).select_related("user").first()
    user = vice_chair.user if vice_chair else actor
    post = signing_post(user, council.province)
    return {
        "signer": user,
        "signer_name": user.get_full_name(),
        "signer_title": post.title if post else "Giám đốc",
        "signer_capacity": post.capacity if post else SigningCapacity.HEAD,
    }


@transaction.atomic
def session_close(
    *,
    session: CouncilSession,
    actor: User,
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

    def session_document(kind: str, **fields) -> Document:
        """A document of the session, numbered in the standing body's register on the session's day."""
        return numbered_document_request(
            kind=kind,
            body=body,
            issued_on=locked.held_on,
            label=f"council {locked.pk}",
            province=council.province,
            year=council.year,
            **fields,
        )

    # The minutes are signed by the session's chair and its secretary; an electronic body's minutes await
    # the chair's digital signature first (the secretary's is not yet asked for: the note says so).
    chair = council.members.filter(seat=CouncilMember.Seat.CHAIR).select_related("user").first()
    locked.minutes = session_document(Document.Kind.COUNCIL_MINUTES, signer=chair.user if chair else None)
    documents = [locked.minutes]
    if any(item.outcome == AgendaItem.Outcome.NOT_RECOMMENDED for item in items):
        # One notice tells the communes not recommended, each with the council's reason.
        # Signed for the council by its chair (TM. HỘI ĐỒNG), whose digital signature an electronic
        # standing body's notice awaits first.
        locked.notice = session_document(Document.Kind.COUNCIL_NOTICE, signer=chair.user if chair else None)
        documents.append(locked.notice)
    if any(item.outcome == AgendaItem.Outcome.RECOMMENDED for item in items):
        # One Tờ trình of the standing body lists the recommended communes for the chairman's decision,
        # signed by its head (the council's vice-chair, the police director), citing the minutes.
        locked.proposal = session_document(
            Document.Kind.SESSION_PROPOSAL, **standing_body_signer(council, actor)
        )
        documents.append(locked.proposal)
    locked.save(update_fields=["minutes", "notice", "proposal"])
    with translation.override(settings.LANGUAGE_CODE):
        recommended_names = [
            i.dossier.commune.name for i in items if i.outcome == AgendaItem.Outcome.RECOMMENDED
        ]
        _tell_the_council(
            locked,
            subject=_("Minutes %(number)s of the council session of %(day)s")
            % {"number": documents[0].number_display, "day": locked.held_on.strftime("%d/%m/%Y")},
            note=_("Recommended: %(recommended)s. Not recommended: %(not_recommended)s.")
            % {
                "recommended": ", ".join(recommended_names) or "—",
                "not_recommended": ", ".join(
                    i.dossier.commune.name for i in items if i.outcome != AgendaItem.Outcome.RECOMMENDED
                )
                or "—",
            },
        )
    return locked
