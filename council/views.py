"""The review council's pages: its seats and sessions, and a session's attendance, votes and closing.
Thin: parse, authorise (guardian, through .permissions), call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Dossier
from assessments.pages import INVALID, confirmed_act, followed_province, show_action_error
from assessments.services import DossierActionError
from communes.confirm import Confirmation
from communes.permissions import follows_province, province_officials
from recognition.documents import download_name
from recognition.models import Document

from . import permissions, selectors, services
from .forms import CouncilSeatsForm, SessionForm, SessionVotesForm
from .models import AgendaItem, CouncilSession, ReviewCouncil, Vote


def council(request, year: int | None = None):
    """Hội đồng xét duyệt: the year's council (seats), its sessions, and for the provincial police (its
    standing body) the forms to set it up and to schedule a session on appraised communes."""

    province = followed_province(request)
    year = year or timezone.localdate().year
    council_ = (
        ReviewCouncil.objects.filter(province=province, year=year).prefetch_related("members__user").first()
    )
    can_manage = permissions.can_manage_council(province, request.user)
    seats = list(council_.members.all()) if council_ else []
    action = request.POST.get("action") if request.method == "POST" else None
    officials = province_officials(province).order_by("full_name")
    adding_seat = action == "seats" and "add_seat" in request.POST
    if adding_seat:  # nothing saved: the seats as typed, and an empty row
        seats_form = CouncilSeatsForm.with_one_more_row(request.POST, officials=officials)
    else:
        seats_form = CouncilSeatsForm(
            request.POST if action == "seats" else None, officials=officials, seats=seats
        )
    candidates = (
        Dossier.objects.filter(
            state__in=workflow.sources_of("recommend"),
            year=year,
            commune__province=province,
            criteria_set__procedure__in=workflow.procedures_with("recommend"),
        )
        .exclude(agenda_items__session__status=CouncilSession.Status.SCHEDULED)
        .select_related("commune")
        .order_by("commune__name")
    )
    session_form = SessionForm(request.POST if action == "session" else None, candidates=candidates)
    status = 200
    if action and not can_manage:
        raise PermissionDenied
    if action and not adding_seat:
        form = seats_form if action == "seats" else session_form
        if form.is_valid():
            try:
                if action == "seats":
                    services.council_set_up(
                        province=province, year=year, seats=form.seats(), actor=request.user
                    )
                    messages.success(request, _("The council's seats were saved."))
                    return redirect("council:year", year=year)
                if council_ is None:
                    raise DossierActionError(_("Set up the council before scheduling a session."))
                session = services.session_schedule(council=council_, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The session was scheduled; its members can read the agenda."))
                return redirect("council:session", pk=session.pk)
            except DossierActionError as error:
                status = show_action_error(request, error)
        else:
            status = 400
            messages.error(
                request, _("Some values are not valid; nothing was saved. Correct the marked fields.")
            )
    return render(
        request,
        "council/council.html",
        {
            "year": year,
            "council": council_,
            "seats": seats,
            "sessions": council_.sessions.order_by("-held_on") if council_ else [],
            "can_manage": can_manage,
            "seats_form": seats_form,
            "adding_seat": adding_seat,
            "session_form": session_form,
            "has_candidates": candidates.exists(),
        },
        status=status,
    )


def session(request, pk: int):
    """A session: the agenda (each commune with its counts and classification), read by the members
    before it; the secretary records attendance and votes, then closes it (tally, outcomes, minutes)."""
    from communes.selectors import province_of

    session = get_object_or_404(
        CouncilSession.objects.select_related("council__province", "minutes", "notice", "proposal"), pk=pk
    )
    province = session.council.province
    if not follows_province(request.user, province):
        # Another province's officials are not told the session exists; others are refused.
        raise Http404 if province_of(request.user) is not None else PermissionDenied
    members = list(session.council.members.select_related("user"))
    items = list(
        session.items.select_related("dossier__commune", "dossier__counts", "dossier__criteria_set").order_by(
            "dossier__commune__name"
        )
    )
    present = set(session.attendance.filter(present=True).values_list("member_id", flat=True))
    votes = {(v.item_id, v.member_id): v.choice for v in Vote.objects.filter(item__session=session)}
    can_record = session.status == CouncilSession.Status.SCHEDULED and permissions.can_keep_minutes(
        province, request.user
    )
    form = SessionVotesForm(
        request.POST if request.method == "POST" else None,
        members=members,
        items=items,
        present=present,
        votes=votes,
        session=session,
    )
    status = 200
    if request.method == "POST" and request.POST.get("action") == "recording":
        if not can_record:
            raise PermissionDenied
        try:
            services.session_recording_set(
                session=session, actor=request.user, recording=request.POST.get("recording", "")
            )
        except DossierActionError as error:
            show_action_error(request, error)
        else:
            messages.success(request, _("The way the vote is recorded was changed."))
        return redirect("council:session", pk=pk)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied

        def save():
            # Everything typed is kept with the draft, the reasons, end time and conclusion too.
            services.session_record(
                session=session,
                actor=request.user,
                present=form.present(),
                votes=form.votes(),
                tallies=form.tallies(),
                # What the post does not carry is left as the draft holds it.
                reasons={k: v for k, v in form.reasons().items() if f"reason_{k}" in request.POST},
                ends_at=form.cleaned_data["ends_at"] if "ends_at" in request.POST else None,
                conclusion=form.cleaned_data["conclusion"] if "conclusion" in request.POST else None,
            )

        def close():
            save()
            services.session_close(session=session, actor=request.user)
            messages.success(request, _("The session is closed; its minutes are being prepared."))
            return redirect("council:session", pk=pk)

        if "close" in request.POST:
            # Closing is confirmed first, after what it would refuse is marked on the form.
            answer = confirmed_act(
                request,
                form=form,
                refusals=lambda: form.closing_refusals(session),
                refused_message=_(
                    "The session cannot be closed yet; nothing was saved. See the marked fields."
                ),
                confirmation=lambda: _session_close_confirmation(request, session, form),
                act=close,
            )
            if answer.response:
                return answer.response
            status = answer.status
        elif form.is_valid():  # the draft of attendance and votes: saved as it is, nothing irreversible
            try:
                save()
                messages.success(request, _("Attendance and votes saved."))
                return redirect("council:session", pk=pk)
            except DossierActionError as error:
                status = show_action_error(request, error)
        else:
            status = 400
            messages.error(request, INVALID)
    quorum = services.session_quorum(session)
    documents = selectors.documents_of(session)
    # Each candidate with the police's appraisal paper the council weighs (its download is checked).
    papers = selectors.appraisal_papers_of(items)
    for item in items:
        item.papers = [p for p in papers.get(item.dossier_id, []) if p.status == Document.Status.READY]
    return render(
        request,
        "council/session.html",
        {
            "session": session,
            "members": members,
            "voting": [m for m in members if m.votes],
            "items": items,
            "form": form,
            "can_record": can_record,
            "quorum": quorum,
            "documents": [(d, download_name(d)) for d in documents],
            "any_pending": any(d.status == Document.Status.PENDING for d in documents),
            "recordings": CouncilSession.Recording.choices,
        },
        status=status,
    )


def _session_close_confirmation(request, session, form) -> Confirmation:
    """Closing the session records each commune's outcome from the votes: the tally is shown first,
    in the words of the form and the minutes; the secretary, who keeps the minutes, on a line apart."""
    votes = form.votes()
    present = form.present()
    voting = [m for m in form.members if m.votes]
    voting_present = [m for m in voting if m.pk in present]
    rules = services.council_rules(session)
    facts = [
        (
            _("Quorum"),
            _("%(present)s/%(members)s voting members present")
            % {"present": len(voting_present), "members": len(voting)},
        )
    ]
    for secretary in (m for m in form.members if not m.votes):
        facts.append(
            (
                _("Council secretary (does not vote)"),
                f"{secretary.user.get_full_name()}: "
                + (str(_("present")) if secretary.pk in present else str(_("absent"))),
            )
        )
    tallies = form.tallies()
    for item in form.items:
        cast = [choice for (item_pk, _member), choice in votes.items() if item_pk == item.pk]
        for_, against, other = tallies.get(item.pk) or (
            cast.count(Vote.Choice.FOR),
            cast.count(Vote.Choice.AGAINST),
            cast.count(Vote.Choice.ABSTAIN),
        )
        recommended = services.is_recommended(for_, len(voting_present), rules=rules)
        facts.append(
            (
                item.dossier.commune.name,
                _("%(for)s for, %(against)s against, %(abstain)s other opinions: %(outcome)s")
                % {
                    "for": for_,
                    "against": against,
                    "abstain": other,
                    "outcome": AgendaItem.Outcome.RECOMMENDED.label
                    if recommended
                    else AgendaItem.Outcome.NOT_RECOMMENDED.label,
                },
            )
        )
    return Confirmation(
        title=_("Close the session and record the votes"),
        confirm_label=_("Confirm: close the session"),
        cancel_url=reverse("council:session", args=[session.pk]),
        facts=facts,
        consequences=workflow.consequences_of("recommend", "council"),
        told=[_("The provincial chairman, for the recommended communes; the communes, of the outcome.")],
        danger=True,
    )
