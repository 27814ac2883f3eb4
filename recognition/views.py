"""Decision, revocation and document pages. Thin: parse, authorise (guardian), call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import permissions as dossier_perms
from assessments import selectors as dossier_selectors
from assessments import workflow
from assessments.models import Dossier
from assessments.pages import INVALID, confirmed_act, show_action_error, visible_dossier
from assessments.services import DossierActionError, dossier_send_back
from communes.confirm import Confirmation
from communes.permissions import (
    can_retry_documents,
    decides_for_a_district,
    decides_for_province,
    follows_province,
    keeps_a_register,
    province_officials,
)
from communes.protected_media import protected_file_response
from communes.selectors import active_posts_of

from . import permissions, selectors, services
from .documents import police_head_title, printed_title, signature_lines
from .forms import DecisionForm, IssueForm, RevocationForm, SummaryForm
from .models import AgendaItem, CollectiveDecision, Document, RecognitionDecision, Revocation, Vote


def _post_title(request) -> str:
    return next((p.title for p in active_posts_of(request) if p.title), "")


@login_required
def decision(request, pk: int):
    """The deciding authority's page: the appraisal's findings, then recognise, refuse or send back."""
    dossier = visible_dossier(request, pk)
    if not dossier_perms.can_decide(dossier, request.user):
        raise PermissionDenied
    if (found := workflow.step(dossier, "recognise")) is None or found.page != "decision":
        # Decision 28: an appraised dossier goes to the review council, not to a decision of its own.
        messages.warning(request, _("This dossier is not waiting for a decision."))
        return redirect("assessments:dossier_detail", pk=pk)
    appraisal = dossier_selectors.appraisal_of(dossier)
    recommendation = appraisal.recommendation if appraisal else ""
    if request.method != "POST":
        form = DecisionForm(
            recommendation=recommendation,
            initial={
                "version": dossier.version,
                "signer_title": _post_title(request),
                "decided_on": services.latest_issue_date(dossier),
            },
        )
        return _render_decision(request, dossier, form)
    form = DecisionForm(request.POST, recommendation=recommendation)

    def act():
        data = form.cleaned_data
        if data["outcome"] == "send_back":
            dossier_send_back(
                dossier=dossier, actor=request.user, reason=data["reasons"], expected_version=data["version"]
            )
            messages.success(request, _("The dossier was sent back to the district police."))
        else:
            recorded = services.decision_record(
                dossier=dossier,
                actor=request.user,
                outcome=data["outcome"],
                decided_on=data["decided_on"],
                reasons=data["reasons"],
                signer_title=data["signer_title"],
                expected_version=data["version"],
            )
            messages.success(
                request,
                _("Decision %(number)s recorded. Its documents are being prepared.")
                % {"number": recorded.number_display}
                if not recorded.is_draft
                else _(
                    "Decision approved. Its drafts are being prepared; the clerk enters its number from the office's register."
                ),
            )
        return redirect("assessments:dossier_detail", pk=pk)

    answer = confirmed_act(
        request, form=form, confirmation=lambda: _decision_confirmation(request, dossier, form), act=act
    )
    return answer.response or _render_decision(request, dossier, form, answer.status)


def _decision_confirmation(request, dossier: Dossier, form: DecisionForm) -> Confirmation:
    """What recording the decision does: the number, the documents, who is told; a decision against the
    police's recommendation says so."""
    data = form.cleaned_data
    outcome = data["outcome"]
    transition = workflow.OUTCOME_TRANSITION[outcome]
    body = services.deciding_body(dossier)
    # What the step does is the table's (Step.consequences); the register that numbers it is this case's.
    consequences = workflow.consequences_of(transition, "decision")
    if outcome != "send_back":
        consequences.insert(
            0,
            _("The decision is numbered in the register of %(body)s.") % {"body": body.name}
            if body.numbering == body.Numbering.APPLICATION
            else _("The decision is approved; the clerk of %(body)s enters its number from the register.")
            % {"body": body.name},
        )
        if outcome == "recognised":
            consequences.insert(
                1,
                _("The recognition stands until %(day)s, or until the next year's decision.")
                % {
                    "day": formats.date_format(
                        services.default_valid_until(year=dossier.year, criteria_set=dossier.criteria_set),
                        "SHORT_DATE_FORMAT",
                    )
                },
            )
    warnings = []
    if form.goes_against_recommendation():
        warnings.append(
            _(
                "This decision goes against the police's recommendation (%(recommendation)s). It is marked as "
                "such in the history, on the dossier and on the province's dashboard."
            )
            % {"recommendation": dossier.appraisal.get_recommendation_display()}
        )
    return Confirmation(
        title=_("Record the decision: %(commune)s (%(year)s)")
        % {"commune": dossier.commune.name, "year": dossier.year},
        confirm_label=_("Confirm the decision"),
        cancel_url=reverse("assessments:dossier_detail", args=[dossier.pk]),
        facts=[
            (_("Commune"), dossier.commune.name),
            (_("Decision"), dict(form.fields["outcome"].choices)[outcome]),
            (_("Date of the decision"), formats.date_format(data["decided_on"], "SHORT_DATE_FORMAT")),
            (_("Signer"), f"{data['signer_title']} {request.user.get_full_name()}".strip()),
            (_("Reasons"), data["reasons"] or "—"),
        ],
        consequences=consequences,
        told=dossier_selectors.told_after(dossiers=[dossier], transition=transition, actor=request.user),
        warnings=warnings,
        danger=outcome != "recognised" or bool(warnings),
    )


def _render_decision(request, dossier, form, status=200):
    return render(
        request,
        "recognition/decision.html",
        {
            "dossier": dossier,
            "form": form,
            "rows": dossier_selectors.criterion_rows(dossier=dossier),
            "appraisal": dossier_selectors.appraisal_of(dossier),
        },
        status=status,
    )


@login_required
def revoke(request, pk: int):
    """Thu hồi công nhận: after a drug case, the authority withdraws the recognition."""
    dossier = visible_dossier(request, pk)
    if not dossier_perms.can_decide(dossier, request.user):
        raise PermissionDenied
    recognition = RecognitionDecision.objects.filter(dossier=dossier, outcome="recognised").first()
    if workflow.step(dossier, "revoke") is None or recognition is None:
        messages.warning(request, _("Only a recognised commune can have its recognition revoked."))
        return redirect("assessments:dossier_detail", pk=pk)
    form = RevocationForm(
        request.POST or None,
        initial={"signer_title": _post_title(request), "decided_on": services.latest_issue_date(dossier)},
    )
    status = 200

    def confirmation() -> Confirmation:
        data = form.cleaned_data
        return Confirmation(
            title=_("Revoke the recognition: %(commune)s") % {"commune": dossier.commune.name},
            confirm_label=_("Confirm the revocation"),
            cancel_url=reverse("assessments:dossier_detail", args=[dossier.pk]),
            facts=[
                (_("Commune"), dossier.commune.name),
                (_("Recognised by"), recognition.number_display),
                (
                    _("Date of the incident"),
                    formats.date_format(data["incident_date"], "SHORT_DATE_FORMAT"),
                ),
                (_("The incident (the drug case)"), data["incident_description"]),
                (_("Why the commune no longer qualifies"), data["reason"]),
                (
                    _("Date of the revocation decision"),
                    formats.date_format(data["decided_on"], "SHORT_DATE_FORMAT"),
                ),
            ],
            consequences=workflow.consequences_of("revoke", "revoke"),
            told=dossier_selectors.told_after(dossiers=[dossier], transition="revoke", actor=request.user),
            danger=True,
        )

    def act():
        revocation = services.decision_revoke(decision=recognition, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Recognition revoked by decision %(number)s.") % {"number": revocation.number_display}
            if not revocation.is_draft
            else _("Revocation approved; the clerk enters its number from the office's register."),
        )
        return redirect("assessments:dossier_detail", pk=pk)

    if request.method == "POST":
        answer = confirmed_act(request, form=form, confirmation=confirmation, act=act)
        if answer.response:
            return answer.response
        status = answer.status
    return render(
        request,
        "recognition/revoke.html",
        {"dossier": dossier, "form": form, "decision": recognition},
        status=status,
    )


@login_required
@require_GET
def register(request):
    """Sổ văn bản: the clerk's list of approved decisions waiting for the number of the office's register."""

    if not keeps_a_register(request.user):
        raise PermissionDenied
    return render(request, "recognition/register.html", {"awaiting": services.awaiting_numbers(request.user)})


ISSUABLE = {"decision": RecognitionDecision, "revocation": Revocation, "collective": CollectiveDecision}


@login_required
def issue(request, kind: str, pk: int):
    """Vào sổ: the clerk enters the number and the date of issue of one approved decision."""
    model = ISSUABLE.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=pk)
    if isinstance(record, CollectiveDecision):
        _council_province(request)
        dossier = None
        back = redirect("recognition:collective_decision", year=record.evaluated_year)
    else:
        decision = record.decision if isinstance(record, Revocation) else record
        dossier = visible_dossier(request, decision.dossier_id)
        back = redirect("assessments:dossier_detail", pk=dossier.pk)
    if not permissions.can_keep_register(record, request.user):
        raise PermissionDenied
    if not record.is_draft:
        messages.info(
            request,
            _("This decision already has its number, %(number)s.") % {"number": record.number_display},
        )
        return back
    form = IssueForm(request.POST or None, needs_dispatch=model is RecognitionDecision)
    status = 200

    def act():
        issued = services.record_issue(record=record, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Number %(number)s entered; the documents are being prepared.")
            % {"number": issued.number_display},
        )
        return back

    if request.method == "POST":
        answer = confirmed_act(
            request,
            form=form,
            # What the register would refuse is marked on the form, before the confirmation.
            refusals=lambda: services.issue_refusals(record=record, **form.cleaned_data),
            confirmation=lambda: _issue_confirmation(record, form, back["Location"]),
            act=act,
        )
        if answer.response:
            return answer.response
        status = answer.status
    return render(
        request, "recognition/issue.html", {"record": record, "dossier": dossier, "form": form}, status=status
    )


def _issue_confirmation(record, form: IssueForm, cancel_url: str) -> Confirmation:
    data = form.cleaned_data
    facts = [
        (_("Document"), str(record)),
        (_("Number in the register"), f"{data['number']}/{record.symbol}"),
        (_("Date of issue"), formats.date_format(data["issued_on"], "SHORT_DATE_FORMAT")),
    ]
    if data.get("dispatch_number"):
        facts.append((_("Number of the dispatch"), str(data["dispatch_number"])))
    return Confirmation(
        title=_("Enter the number from the register"),
        confirm_label=_("Confirm the number"),
        cancel_url=cancel_url,
        facts=facts,
        consequences=[
            _("The number is taken in the register: it cannot be given to another document this year."),
            _("The drafts are replaced by the issued documents, with their verification code."),
        ],
    )


def _document_for(request, document_id: int) -> Document:
    document = get_object_or_404(
        Document.objects.select_related(
            "dossier__commune__district", "dossier__commune__province", "dossier__criteria_set", "decision"
        ),
        pk=document_id,
    )
    if not permissions.can_view_document(document, request.user):
        raise Http404
    return document


@login_required
@require_GET
def document_download(request, document_id: int):
    """PDFs are served only here, after the permission check, with a readable Vietnamese name."""
    document = _document_for(request, document_id)
    if document.status != Document.Status.READY:
        raise Http404
    return protected_file_response(
        document.file,
        filename=download_name(document),
        content_type="application/pdf",
        as_attachment=request.GET.get("inline") != "1",
    )


def download_name(document: Document) -> str:
    """'Quyết định 05-QĐ-UBND - Xã Mỹ Lý - 2024.pdf' ('/' is not allowed in a file name)."""
    label = {
        Document.Kind.RECOGNITION: "Quyết định công nhận",
        Document.Kind.NON_RECOGNITION: "Quyết định không công nhận",
        Document.Kind.NOTIFICATION: "Công văn thông báo",
        Document.Kind.APPRAISAL_MINUTES: "Biên bản thẩm định",
        Document.Kind.REVOCATION: "Quyết định thu hồi",
        Document.Kind.PROVINCIAL_SUMMARY: "Công văn báo cáo kết quả",
        Document.Kind.COUNCIL_MINUTES: "Biên bản họp Hội đồng xét duyệt",
        Document.Kind.COUNCIL_NOTICE: "Thông báo kết quả xét duyệt",
        Document.Kind.COLLECTIVE_DECISION: "Quyết định công nhận",
        Document.Kind.MINISTRY_REPORT: "Báo cáo Bộ Công an",
    }[document.kind]
    number = ""
    if document.kind == Document.Kind.REVOCATION and document.revocation_id:
        number = document.revocation.number_display
    elif document.kind in (Document.Kind.RECOGNITION, Document.Kind.NON_RECOGNITION):
        number = document.decision.number_display
    elif document.collective_id and document.collective.number:
        number = document.collective.number_display
    elif document.number:
        number = document.number_display
    if document.draft:
        label, number = f"Dự thảo {label[0].lower()}{label[1:]}", ""
    parts = [label + (f" {number}".replace("/", "-") if number else "")]
    if document.dossier_id:
        parts.append(document.dossier.commune.name)
    parts.append(str(document.year))
    return " - ".join(parts) + ".pdf"


@login_required
@require_POST
def document_retry(request, document_id: int):
    document = _document_for(request, document_id)
    try:
        services.document_retry(document=document, actor=request.user)
    except DossierActionError as error:
        show_action_error(request, error)
    else:
        messages.success(request, _("The document is being prepared again."))
    if document.dossier_id:
        return redirect("assessments:dossier_detail", pk=document.dossier_id)
    return redirect("recognition:summaries")


@login_required
@require_GET
def documents_panel(request, pk: int):
    """The documents of a dossier as an HTML fragment; the page refreshes it while any is pending."""
    dossier = visible_dossier(request, pk)
    return render(request, "recognition/_documents.html", documents_context(dossier, request.user))


def decision_panel(request, dossier: Dossier) -> str:
    """The decision and its documents on the dossier page (registered with assessments.panels); before
    a decision, the documents naming the commune alone (the council's notice to a commune it did not
    recommend)."""
    context = documents_context(dossier, request.user)
    decision = None
    if dossier.state in Dossier.DECIDED_STATES:
        # The decision comes with its documents (one query); a decision without documents is read alone.
        decision = next((d.decision for d, _ in context["documents"] if d.decision_id), None) or getattr(
            dossier, "recognition_decision", None
        )
    if decision is None:
        if not context["documents"]:
            return ""
        return render_to_string("recognition/_documents_card.html", context, request=request)
    can_keep_register = decision.is_draft and permissions.can_keep_register(
        decision.collective if decision.collective_id else decision, request.user
    )
    # What the panel says of the decision's standing, by where the table's steps led the dossier.
    standing = {
        workflow.target_of("revoke"): "revoked_by",
        workflow.target_of("expire"): "lapsed",
        workflow.target_of("refuse"): "refused",
    }.get(dossier.state, "in_force")
    return render_to_string(
        "recognition/_decision_panel.html",
        {"decision": decision, "can_keep_register": can_keep_register, "standing": standing, **context},
        request=request,
    )


def documents_context(dossier: Dossier, user) -> dict:
    # The dossier's own documents, and the province-level ones naming its commune: the decision whose
    # annex lists it, the council's notice that names it. Listed only where the reader may open them.
    named = Q(collective__decisions__dossier=dossier) | Q(
        kind=Document.Kind.COUNCIL_NOTICE,
        session__items__dossier=dossier,
        session__items__outcome=AgendaItem.Outcome.NOT_RECOMMENDED,
    )
    documents = list(
        Document.objects.filter(Q(dossier=dossier) | named)
        .select_related("decision", "revocation", "collective", "province")
        .distinct()
        .order_by("pk")
    )
    for document in documents:  # the page's dossier, with its relations already loaded
        if document.dossier_id == dossier.pk:
            document.dossier = dossier
    documents = [d for d in documents if d.dossier_id or permissions.can_view_document(d, user)]
    can_retry = bool(documents) and permissions.can_manage_document(documents[0], user)
    return {
        "dossier": dossier,
        "documents": [(d, download_name(d)) for d in documents],
        "any_pending": any(d.status == Document.Status.PENDING for d in documents),
        "can_retry": can_retry,
    }


@login_required
def summaries(request):
    """The provincial police's yearly summary dispatches, for the province the user works in."""
    from communes.selectors import province_of

    province = province_of(request.user)
    if province is None or not follows_province(request.user, province):
        raise PermissionDenied
    can_request = can_retry_documents(request.user, province)
    form = SummaryForm(request.POST or None, initial={"signer_title": _post_title(request)})
    status = 200
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.summary_request(province=province, actor=request.user, **form.cleaned_data)
            except DossierActionError as error:
                messages.warning(request, error.message)
            else:
                messages.success(request, _("The summary dispatch is being prepared."))
                return redirect("recognition:summaries")
        else:
            status = 400
            messages.error(
                request, _("Some values are not valid; nothing was saved. Correct the marked fields.")
            )
    documents = Document.objects.filter(kind=Document.Kind.PROVINCIAL_SUMMARY, province=province).order_by(
        "-pk"
    )[:50]
    return render(
        request,
        "recognition/summaries.html",
        {
            "form": form,
            "can_request": can_request,
            "documents": [(d, download_name(d)) for d in documents],
            "any_pending": any(d.status == Document.Status.PENDING for d in documents),
        },
        status=status,
    )


@require_GET
def verify(request, code: str):
    """Xác thực văn bản: public, no sign-in. What the printed code or QR code names: the kind, number,
    date, issuing body, commune, outcome, the document's standing today and the SHA-256 of the issued
    file; a copy dropped on the page is hashed by the browser (nothing is uploaded). Nothing else."""
    if not _verification_allowed(request):
        return render(request, "recognition/verify.html", {"limited": True}, status=429)
    normalised = code.replace("-", "").replace(" ", "").upper()
    document = (
        Document.objects.filter(verification_code=normalised, status=Document.Status.READY)
        .select_related(
            "decision__dossier__commune", "revocation__decision__dossier__commune", "collective", "province"
        )
        .first()
    )
    if document is None:
        return render(request, "recognition/verify.html", {"unknown": code[:40]}, status=404)
    return render(request, "recognition/verify.html", {"facts": selectors.verification_facts(document)})


def _verification_allowed(request) -> bool:
    """At most VERIFY_REQUESTS_PER_MINUTE lookups per address: the codes cannot be walked through.
    Counted in the cache (open when the cache is down: the codes are random and long)."""
    from django.conf import settings

    from accounts.audit import client_ip
    from communes.fragments import within_rate

    return within_rate(
        f"verify:{client_ip(request) or 'unknown'}", limit=settings.VERIFY_REQUESTS_PER_MINUTE, seconds=60
    )


# --- the review council (Decision 28/2025) ----------------------------------------------------------


def _council_province(request):
    from communes.selectors import province_of

    province = province_of(request.user)
    if province is None or not follows_province(request.user, province):
        raise PermissionDenied
    return province


@login_required
def council(request, year: int | None = None):
    """Hội đồng xét duyệt: the year's council (seats), its sessions, and for the provincial police (its
    standing body) the forms to set it up and to schedule a session on appraised communes."""

    from .forms import CouncilSeatsForm, SessionForm
    from .models import CouncilSession, ReviewCouncil

    province = _council_province(request)
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
                    return redirect("recognition:council_year", year=year)
                if council_ is None:
                    raise DossierActionError(_("Set up the council before scheduling a session."))
                session = services.session_schedule(council=council_, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The session was scheduled; its members can read the agenda."))
                return redirect("recognition:council_session", pk=session.pk)
            except DossierActionError as error:
                status = show_action_error(request, error)
        else:
            status = 400
            messages.error(
                request, _("Some values are not valid; nothing was saved. Correct the marked fields.")
            )
    return render(
        request,
        "recognition/council.html",
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


@login_required
def council_session(request, pk: int):
    """A session: the agenda (each commune with its counts and classification), read by the members
    before it; the secretary records attendance and votes, then closes it (tally, outcomes, minutes)."""
    from communes.selectors import province_of

    from .forms import SessionVotesForm
    from .models import CouncilSession

    session = get_object_or_404(CouncilSession.objects.select_related("council__province"), pk=pk)
    province = session.council.province
    if not follows_province(request.user, province):
        # Another province's officials are not told the session exists; others are refused.
        raise Http404 if province_of(request.user) is not None else PermissionDenied
    members = list(session.council.members.select_related("user"))
    items = list(
        session.items.select_related("dossier__commune", "dossier__counts").order_by("dossier__commune__name")
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
        return redirect("recognition:council_session", pk=pk)
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
            return redirect("recognition:council_session", pk=pk)

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
                return redirect("recognition:council_session", pk=pk)
            except DossierActionError as error:
                status = show_action_error(request, error)
        else:
            status = 400
            messages.error(request, INVALID)
    quorum = services.session_quorum(session)
    return render(
        request,
        "recognition/council_session.html",
        {
            "session": session,
            "members": members,
            "voting": [m for m in members if m.votes],
            "items": items,
            "form": form,
            "can_record": can_record,
            "quorum": quorum,
            "documents": [(d, download_name(d)) for d in session.documents.order_by("pk")],
            "any_pending": session.documents.filter(status=Document.Status.PENDING).exists(),
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
        cancel_url=reverse("recognition:council_session", args=[session.pk]),
        facts=facts,
        consequences=workflow.consequences_of("recommend", "council"),
        told=[_("The provincial chairman, for the recommended communes; the communes, of the outcome.")],
        danger=True,
    )


def _collective_confirmation(request, year: int, form) -> Confirmation:
    listed = set(form.listed())
    left_out = form.left_out()
    names = {d.pk: d.commune.name for d in form.candidates}
    facts = [
        (_("Communes recognised"), "\n".join(names[pk] for pk in names if pk in listed) or "—"),
        (_("Left out"), "\n".join(f"{names[pk]}: {reason}" for pk, reason in left_out.items()) or "—"),
        (
            _("Date of the decision"),
            formats.date_format(form.cleaned_data["decided_on"], "SHORT_DATE_FORMAT"),
        ),
    ]
    return Confirmation(
        title=_("Recognise the communes of %(year)s in one decision") % {"year": year},
        confirm_label=_("Confirm the decision"),
        cancel_url=reverse("recognition:collective_decision", args=[year]),
        facts=facts,
        consequences=workflow.consequences_of("recognise", "provincial_decision"),
        told=[_("The communes listed and those left out, each of its own outcome.")],
    )


@login_required
def collective_decision(request, year: int):
    """Quyết định công nhận: the provincial chairman recognises the council's recommended communes in
    one decision with an annex (leaving any out with a reason); the year's decisions and their PDFs."""

    from .forms import CollectiveDecisionForm
    from .models import CollectiveDecision

    province = _council_province(request)
    can_decide = decides_for_province(request.user, province)
    candidates = services.recommended_dossiers(province=province, year=year).select_related("counts")
    form = CollectiveDecisionForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"signer_title": _post_title(request)},
    )
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied

        def act():
            collective = services.collective_decision_record(
                province=province,
                year=year,
                actor=request.user,
                listed=form.listed(),
                left_out=form.left_out(),
                decided_on=form.cleaned_data["decided_on"],
                signer_title=form.cleaned_data["signer_title"],
            )
            messages.success(
                request,
                _(
                    "Decision %(number)s recorded: %(count)s communes recognised. Its document is being prepared."
                )
                % {"number": collective.number_display, "count": collective.decisions.count()}
                if not collective.is_draft
                else _("Decision approved; the clerk enters its number from the office's register."),
            )
            return redirect("recognition:collective_decision", year=year)

        answer = confirmed_act(
            request, form=form, confirmation=lambda: _collective_confirmation(request, year, form), act=act
        )
        if answer.response:
            return answer.response
        status = answer.status
    decisions = list(
        CollectiveDecision.objects.filter(province=province, evaluated_year=year)
        .prefetch_related("documents")
        .order_by("-pk")
    )
    documents = [(d, download_name(d)) for c in decisions for d in c.documents.all()]
    return render(
        request,
        "recognition/collective_decision.html",
        {
            "year": year,
            "form": form,
            "can_decide": can_decide,
            "decisions": decisions,
            "documents": documents,
            "any_pending": any(d.status == Document.Status.PENDING for d, _ in documents),
            "can_keep_register": any(
                permissions.can_keep_register(c, request.user) for c in decisions if c.is_draft
            ),
        },
        status=status,
    )


@login_required
def ministry_report(request, year: int):
    """Báo cáo Bộ Công an: the provincial police prepare the year's report (PDF and spreadsheet) as
    things stand on its date, and record the day it was sent; the due date and the days left."""
    from assessments.models import EvaluationCycle

    from .forms import ReportForm, SentForm

    province = _council_province(request)
    can_manage = permissions.can_manage_council(province, request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReportForm(
        request.POST if action == "prepare" else None,
        initial={"signer_title": printed_title(_post_title(request), police_head_title(province))},
    )
    sent_form = SentForm(request.POST if action == "sent" else None)
    status = 200
    if action:
        if not can_manage:
            raise PermissionDenied
        if action == "prepare":
            # It takes a number in the police register: confirmed first, with the year's reports.
            def act():
                services.ministry_report_request(
                    province=province, year=year, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("The report is being prepared."))
                return redirect("recognition:ministry_report", year=year)

            answer = confirmed_act(
                request, form=form, confirmation=lambda: _report_confirmation(province, year, form), act=act
            )
            if answer.response:
                return answer.response
            status = answer.status
        else:
            try:
                if action == "sent" and sent_form.is_valid():
                    document_id = request.POST.get("document", "")
                    if not document_id.isdecimal() or len(document_id) > 12:
                        raise Http404  # a malformed id names no document
                    document = get_object_or_404(
                        Document,
                        pk=int(document_id),
                        kind=Document.Kind.MINISTRY_REPORT,
                        province=province,
                    )
                    services.ministry_report_mark_sent(
                        document=document, actor=request.user, sent_on=sent_form.cleaned_data["sent_on"]
                    )
                    messages.success(request, _("The day the report was sent is recorded."))
                    return redirect("recognition:ministry_report", year=year)
                status = 400
                messages.error(
                    request, _("Some values are not valid; nothing was saved. Correct the marked fields.")
                )
            except DossierActionError as error:
                status = show_action_error(request, error)
    cycle = EvaluationCycle.objects.filter(province=province, year=year).first()
    reports = selectors.reports_of(province=province, year=year)
    return render(
        request,
        "recognition/ministry_report.html",
        {
            "year": year,
            "cycle": cycle,
            "days_left": (cycle.ministry_report_due - timezone.localdate()).days if cycle else None,
            "form": form,
            "sent_form": sent_form,
            "can_manage": can_manage,
            "reports": [(d, download_name(d)) for d in reports],
            "any_pending": any(d.status == Document.Status.PENDING for d in reports),
        },
        status=status,
    )


def _report_confirmation(province, year: int, form) -> Confirmation:
    """Preparing the report takes the next number of the provincial police's register: the reports
    already prepared for the year are listed, so a second one is never made by a second click."""
    data = form.cleaned_data
    earlier = selectors.reports_of(province=province, year=year)
    facts = [
        (_("Year"), str(year)),
        (_("Date of the report"), formats.date_format(data["issued_on"], "SHORT_DATE_FORMAT")),
        (
            _("Printed above the signature"),
            " / ".join(signature_lines(data["signer_title"], police_head_title(province))),
        ),
        (
            _("Reports already prepared for the year"),
            "\n".join(
                f"{d.number_display} — {formats.date_format(d.issued_on, 'SHORT_DATE_FORMAT')}"
                for d in earlier
            )
            or str(_("none so far")),
        ),
    ]
    return Confirmation(
        title=_("Prepare the report to the Ministry, %(year)s") % {"year": year},
        confirm_label=_("Confirm: prepare the report"),
        cancel_url=reverse("recognition:ministry_report", args=[year]),
        facts=facts,
        warnings=[
            _("A report was already prepared for this year: this one is another report, with its own number.")
        ]
        if earlier
        else [],
        consequences=[
            _("The report takes the next number of the provincial police's register."),
            _("Its figures are fixed as they stand today; it is prepared as PDF and spreadsheet."),
        ],
    )


@login_required
@require_GET
def report_xlsx(request, document_id: int):
    """The report's figures as a spreadsheet, served after the permission check."""
    from django.http import HttpResponse

    from communes.selectors import province_of

    document = get_object_or_404(Document.objects.select_related("province"), pk=document_id)
    if document.kind != Document.Kind.MINISTRY_REPORT:
        raise Http404
    if not permissions.can_view_document(document, request.user):
        # Another province's officials are not told the report exists; others are refused.
        raise Http404 if province_of(request.user) is not None else PermissionDenied
    response = HttpResponse(
        services.ministry_report_xlsx(document),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = download_name(document).removesuffix(".pdf") + ".xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def decisions(request):
    """Quyết định nhiều hồ sơ: the district chair sees the appraised dossiers with the police's
    recommendations in one list and decides several at once, after one confirmation; each decision is
    numbered, recorded in its dossier's history and documented on its own."""

    from .forms import DecideSeveralForm

    if not decides_for_a_district(request.user):
        raise PermissionDenied
    dossiers = [
        d
        for d in dossier_selectors.dossiers_to_act_on(user=request.user, transition="recognise")
        if workflow.step(d, "recognise").page == "decision"
    ]
    form = DecideSeveralForm(
        request.POST or None,
        dossiers=dossiers,
        initial={
            "signer_title": _post_title(request),
            "decided_on": services.latest_issue_date(dossiers[0]) if dossiers else timezone.localdate(),
        },
    )
    status = 200

    def act():
        done, refused = services.decisions_record(
            choices=[(dossier, outcome, reasons) for dossier, outcome, reasons, _against in form.decisions()],
            actor=request.user,
            decided_on=form.cleaned_data["decided_on"],
            signer_title=form.cleaned_data["signer_title"],
        )
        if done:
            messages.success(
                request,
                _("%(count)s decisions recorded: %(numbers)s. Their documents are being prepared.")
                % {"count": len(done), "numbers": ", ".join(d.number_display for d in done)},
            )
        for dossier, reason in refused:
            messages.error(request, f"{dossier.commune.name} ({dossier.year}): {reason}")
        return redirect("recognition:decisions")

    if request.method == "POST":
        answer = confirmed_act(
            request,
            form=form,
            confirmation=lambda: _decisions_confirmation(request, form, form.decisions()),
            act=act,
        )
        if answer.response:
            return answer.response
        status = answer.status
    return render(request, "recognition/decisions.html", {"form": form, "dossiers": dossiers}, status=status)


def _decisions_confirmation(request, form, chosen) -> Confirmation:
    labels = dict(form.CHOICES)
    facts = [
        (
            f"{d.commune.name} ({d.year})",
            f"{labels[outcome]}" + (f" — {reasons}" if reasons else ""),
        )
        for d, outcome, reasons, _against in chosen
    ]
    facts.append(
        (
            _("Date of the decisions"),
            formats.date_format(form.cleaned_data["decided_on"], "SHORT_DATE_FORMAT"),
        )
    )
    against = [d.commune.name for d, _o, _r, against in chosen if against]
    told = sorted(
        {
            who
            for outcome in {outcome for _d, outcome, _r, _a in chosen}
            for who in dossier_selectors.told_after(
                dossiers=[d for d, o, _r, _a in chosen if o == outcome],
                transition=workflow.OUTCOME_TRANSITION[outcome],
                actor=request.user,
            )
        }
    )
    return Confirmation(
        title=_("Record %(count)s decisions") % {"count": len(chosen)},
        confirm_label=_("Confirm the %(count)s decisions") % {"count": len(chosen)},
        cancel_url=reverse("recognition:decisions"),
        facts=facts,
        warnings=[
            _("Against the police's recommendation (reasons given, marked as such): %(communes)s")
            % {"communes": ", ".join(against)}
        ]
        if against
        else [],
        consequences=[
            _(
                "Each decision takes its own number in the register, its own history entry and its own documents."
            ),
            _(
                "The decision cannot be changed afterwards; a recognition can only be revoked by a new decision."
            ),
        ],
        told=told,
    )


@login_required
def documents_failed(request):
    """Văn bản lỗi: the provincial police see the province's documents whose rendering failed, with the
    error, and prepare them again in one go."""

    province = _council_province(request)
    if not can_retry_documents(request.user, province):
        raise PermissionDenied
    failed = list(services.failed_documents(province=province)[:500])
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("documents") if v.isdigit()]
        names = {d.pk: download_name(d) for d in failed}

        def act():
            count = services.documents_retry_failed(
                province=province, actor=request.user, document_ids=chosen
            )
            messages.success(request, _("%(count)s documents are being prepared again.") % {"count": count})
            return redirect("recognition:documents_failed")

        if not chosen:
            messages.error(request, _("Tick at least one document."))
        else:
            answer = confirmed_act(
                request,
                form=None,
                confirmation=lambda: Confirmation(
                    title=_("Prepare %(count)s documents again") % {"count": len(chosen)},
                    confirm_label=_("Confirm: prepare them again"),
                    cancel_url=reverse("recognition:documents_failed"),
                    facts=[(_("Documents"), "\n".join(names.get(pk, str(pk)) for pk in chosen))],
                    consequences=[
                        _("Each document goes back to the workers; its page shows it when it is ready.")
                    ],
                ),
                act=act,
            )
            if answer.response:
                return answer.response
    return render(
        request,
        "recognition/documents_failed.html",
        {"documents": [(d, download_name(d)) for d in failed]},
    )
