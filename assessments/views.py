"""Dossier pages. Thin: parse, authorise (guardian, through `permissions`), call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communes.confirm import Confirmation, is_confirmed
from communes.fragments import cached_fragment, cached_value, data_versions, list_key, page_number, seen_by
from communes.models import Commune
from communes.pagination import uncounted_page
from communes.permissions import (
    can_manage_cycles,
    communes_prepared_by,
    follows_province,
    provinces_followed,
    provinces_managing_cycles,
    sends_commune_reports,
)
from communes.protected_media import protected_file_response
from communes.selectors import districts_in_view, parent_column, register_numbering

from . import permissions as perms
from . import selectors, services, tables, workflow
from .context_processors import unread_notifications
from .evidence import safe_name
from .forms import (
    ActionForm,
    AppraisalForm,
    AssignForm,
    CampaignForm,
    CycleForm,
    InboxFilterForm,
    OpenDossierForm,
    SelfAssessmentForm,
    SituationCountsForm,
    StartAppraisalsForm,
)
from .models import Dossier, EvaluationCycle, Evidence, InspectionTeam, Notification
from .pages import confirmed_act, show_action_error, visible_dossier
from .panels import dossier_panels, work_awaiting
from .uploads import skipped_upload_message


@require_GET
def inbox(request):
    """Hộp công việc: dossiers awaiting my action first, then everything I may see.

    Both lists are cached per scope, validated filters and day (communes.fragments): a change to a
    dossier in the user's scope, to a unit or to a criteria set changes the versions in the key; junk
    parameters are dropped before the key is made. The forms to open a dossier carry the user's CSRF
    token and are rendered for each request."""
    user = request.user
    years = list(range(timezone.localdate().year, 2021, -1))  # the campaign years: no query needed
    # The district filter is checked against the districts the user sees only when one is asked for.
    districts = districts_in_view(user) if request.GET.get("district") else []
    params = InboxFilterForm(request.GET, years=years, districts=districts).valid_params()
    if "district" in params and params.get("year"):
        districts = districts_in_view(user, year=params["year"])
        if params["district"] not in dict(districts):
            del params["district"]  # a district not in place in the year asked for
    page = page_number(request.GET.get("page"))
    key = list_key(params, page)

    def render_lists() -> str:
        # The filter offers the districts in place in the year asked for (all years: every one).
        in_year = districts if districts else districts_in_view(user, year=params.get("year"))
        return _render_inbox_lists(request, params=params, page=page, years=years, districts=in_year)

    if key is None:
        lists = mark_safe(render_lists())  # noqa: S308 - our own template, escaped
    else:
        lists = cached_fragment(
            parts=("inbox", *seen_by(user, "units", "dossiers", "criteria"), *key), render=render_lists
        )
    # Communes whose officers may open a dossier for a year that has none yet, and the open cycles of
    # those in place today (Decision 28: communes register for the year's cycle).
    openable, cycles = [], []
    if not user.is_superuser:
        prepare_communes = list(communes_prepared_by(user).select_related("district")[:5])
        today = timezone.localdate()
        in_place = [c for c in prepare_communes if c.is_valid_on(today)]
        if in_place or sends_commune_reports(user):
            cycles = selectors.open_cycles_for(user=user)
        for commune in prepare_communes:
            years_open = selectors.open_years_for(commune=commune)
            if years_open:
                # Ids of their own: the inbox's filter has a "year" too.
                form = OpenDossierForm(
                    initial={"commune": commune.pk}, years=years_open, auto_id=f"open-{commune.pk}-%s"
                )
                openable.append((commune, form))
    return render(
        request,
        "assessments/inbox.html",
        {"lists": lists, "openable": openable, "cycles": cycles, "work": work_awaiting(user)},
    )


def _render_inbox_lists(request, *, params: dict, page: int, years: list[int], districts) -> str:
    user = request.user
    awaiting = list(selectors.dossiers_awaiting(user=user)[:50])
    now = timezone.now()
    for dossier in awaiting:
        dossier.days_waiting = selectors.days_waiting(dossier, now)
    campaign = []
    for (transition, page_name), (url_name, label) in workflow.CAMPAIGN_PAGES.items():
        # Offered when at least two dossiers awaiting me can take that step from that page.
        able = [
            d
            for d in awaiting
            if (step := workflow.step(d, transition)) is not None
            and step.page == page_name
            and perms.may_take(transition, d, user)
        ]
        if len(able) >= 2:
            campaign.append((reverse(url_name), label, len(able)))
    filters = InboxFilterForm(initial=params, years=years, districts=districts)
    dossiers = selectors.dossiers_for_inbox(
        user=user,
        year=params.get("year"),
        district_code=params.get("district", ""),
        state=params.get("state", ""),
        border=params.get("border", ""),
        query=params.get("q", ""),
    )
    query = urlencode(params)
    listed = uncounted_page(dossiers, page, 25)  # no COUNT of every visible dossier
    awaiting_parent = parent_column(d.commune for d in awaiting)
    listed_parent = parent_column(d.commune for d in listed.object_list)
    return render_to_string(
        "assessments/_inbox_lists.html",
        {
            "request": request,
            "awaiting": awaiting,
            "awaiting_parent": awaiting_parent,
            "awaiting_rows": tables.awaiting_rows(awaiting, parent=bool(awaiting_parent)),
            "campaign": campaign,
            "page": listed,
            "listed_parent": listed_parent,
            "listed_rows": tables.listed_rows(listed.object_list, parent=bool(listed_parent)),
            "filters": filters,
            "page_query": f"{query}&" if query else "",
        },
    )


@require_POST
def dossier_open(request):
    try:
        commune_pk = int(request.POST.get("commune", ""))
    except ValueError:
        raise Http404 from None
    commune = get_object_or_404(Commune, pk=commune_pk)
    if not perms.can_open(commune, request.user):
        raise PermissionDenied
    form = OpenDossierForm(request.POST, years=selectors.open_years_for(commune=commune))
    if not form.is_valid():
        messages.error(request, _("Choose a year for which no dossier exists yet."))
        return redirect("home")
    try:
        dossier = services.dossier_open(commune=commune, year=form.cleaned_data["year"], actor=request.user)
    except services.DossierActionError as error:
        show_action_error(request, error)
        return redirect("home")
    messages.success(
        request, _("The %(year)s dossier is open: fill in the self-assessment.") % {"year": dossier.year}
    )
    return redirect("assessments:self_assessment", pk=dossier.pk)


@require_GET
def dossier_detail(request, pk: int):
    """The dossier page. Its record (self-assessment, appraisal, history) is the same for everyone who
    may see it and is cached per dossier version: every service that changes the record bumps
    `Dossier.version` and `updated_at`, and the admin cannot change it. What the user may do, the
    decision and its documents are rendered for each request."""
    dossier = visible_dossier(request, pk, with_record=False)
    # The bell's count is read first (once per request): when nothing is unread, nothing is written.
    unread = unread_notifications(request)["unread_notifications"]
    if unread:
        marked = services.notifications_mark_read(user=request.user, dossier=dossier)
        request._unread_notifications = unread - marked
    steps = workflow.available_actions(dossier, request.user)
    pages = {step.page for step in steps}
    actions = [step.transition for step in steps]
    record = cached_value(
        parts=(
            "dossier-record",
            dossier.pk,
            dossier.version,
            dossier.updated_at.isoformat(),
            data_versions("criteria"),
            translation.get_language(),
        ),
        compute=lambda: _render_record(dossier),
    )
    returns = selectors.returns_of(dossier)
    return render(
        request,
        "assessments/dossier_detail.html",
        {
            "dossier": dossier,
            "latest_return": selectors.latest_return(dossier, returns),
            "changes": selectors.changes_since_return(dossier, returns) if returns else None,
            "record": {part: mark_safe(html) for part, html in record.items()},  # noqa: S308
            "panels": dossier_panels(request, dossier),
            # Transitions taken from this page (the decision and the revocation have their own pages).
            "actions": [
                (step.transition, step.reason_required, step.label)
                for step in steps
                if step.page == "dossier"
            ],
            "can_decide": "decision" in pages,
            "can_revoke": "revoke" in pages,
            "can_edit": dossier.is_editable and perms.can_prepare(dossier, request.user),
            "can_appraise": workflow.appraisal_open(dossier) and perms.can_appraise(dossier, request.user),
            "submission_problems": selectors.load_record(dossier).submission_problems()
            if "submit" in actions
            else [],
            "days_in_state": selectors.days_waiting(dossier),
            "next_steps": workflow.next_steps(dossier, besides=steps),
            "last_step": not any(s.permission for s in workflow.rule(dossier).steps),
        },
    )


def _render_record(dossier: Dossier) -> dict[str, str]:
    selectors.load_record(dossier)
    appraisal = selectors.appraisal_of(dossier)
    context = {
        "dossier": dossier,
        "criterion_rows": tables.criterion_rows_html(
            selectors.criterion_rows(dossier=dossier),
            dossier_pk=dossier.pk,
            with_finding=appraisal is not None,
        ),
        "appraisal": appraisal,
        "events": list(dossier.events.all()),
        "counts": dossier.situation(),
        "collects_counts": selectors.collects_counts(dossier.criteria_set),
    }
    return {
        "assessment": render_to_string("assessments/_dossier_assessment.html", context),
        "history": render_to_string("assessments/_dossier_history.html", context),
    }


@require_http_methods(["GET", "POST"])
def dossier_action(request, pk: int, action: str):
    """A step of the dossier page: shown on a confirmation page first (GET, or a POST without
    `confirmed`), then taken."""
    dossier = visible_dossier(request, pk)
    if action not in workflow.transitions_from_page("dossier"):
        raise Http404
    if not perms.may_take(action, dossier, request.user):  # authorise before reading the form
        raise PermissionDenied
    if refusal := workflow.step_refusal(dossier, action):  # refused before the confirmation, not after
        messages.warning(request, refusal)
        return redirect("assessments:dossier_detail", pk=pk)
    if missing := services.step_problems(dossier=dossier, transition=action):  # so is what is missing
        show_action_error(request, missing)
        return redirect("assessments:dossier_detail", pk=pk)
    form = ActionForm(request.POST) if is_confirmed(request) else None

    def act():
        services.dossier_act(
            dossier=dossier,
            actor=request.user,
            transition=action,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(request, _("Done: the dossier is now “%(state)s”.") % {"state": _state_label(pk)})
        fresh = selectors.dossier_for_page(pk=pk, with_record=False)
        if workflow.appraisal_open(fresh) and perms.can_appraise(fresh, request.user):
            return redirect("assessments:appraisal", pk=pk)
        return redirect("assessments:dossier_detail", pk=pk)

    answer = confirmed_act(
        request,
        form=form,
        invalid_message=_("The form was incomplete; nothing was changed."),
        confirmation=lambda: _action_confirmation(request, dossier, action),
        act=act,
        carry={"version": dossier.version},
        # The reason is typed on the confirmation page: refused for want of it, the page is shown again.
        again=lambda: workflow.reason_required(dossier, action) and not form.cleaned_data["reason"].strip(),
    )
    return answer.response or redirect("assessments:dossier_detail", pk=pk)


def _action_confirmation(request, dossier: Dossier, action: str) -> Confirmation:
    step = workflow.step(dossier, action)
    target = Dossier.State(step.target).label
    return Confirmation(
        title=f"{step.label}: {dossier.commune.name} ({dossier.year})",
        confirm_label=_("Confirm: %(action)s") % {"action": step.label},
        cancel_url=reverse("assessments:dossier_detail", args=[dossier.pk]),
        facts=[
            (_("Commune"), dossier.commune.name),
            (_("Year"), str(dossier.year)),
            (_("Now"), dossier.get_state_display()),
            (_("After this step"), target),
        ],
        consequences=step.consequences,
        told=selectors.told_after(dossiers=[dossier], transition=action, actor=request.user),
        reason_label=_("Reason") if step.reason_required else "",
        back_to_form=False,
        danger=step.reason_required,
    )


def _state_label(pk: int) -> str:
    return Dossier.objects.get(pk=pk).get_state_display()


def self_assessment(request, pk: int):
    """Tự đánh giá: the commune officer's form; saves drafts; submits with a list of what is missing."""
    dossier = visible_dossier(request, pk)
    if not perms.can_prepare(dossier, request.user):
        raise PermissionDenied
    rows = selectors.criterion_rows(dossier=dossier)
    with_counts = selectors.collects_counts(dossier.criteria_set)
    if request.method != "POST":
        form = SelfAssessmentForm(rows=rows, initial={"version": dossier.version})
        counts_form = SituationCountsForm(counts=dossier.situation()) if with_counts else None
        return _render_self_assessment(request, dossier, form, counts_form)

    form = SelfAssessmentForm(request.POST, request.FILES, rows=rows)
    counts_form = SituationCountsForm(request.POST, counts=dossier.situation()) if with_counts else None
    if not form.is_valid() or (counts_form is not None and not counts_form.is_valid()):
        # The values are not saved; the files already accepted are, so they need not be chosen again.
        kept, _refused = _attach(request, dossier, form, form.accepted_uploads())
        if kept:
            messages.error(
                request,
                _("Some values are not valid and were not saved; the files you chose were kept: %(files)s.")
                % {"files": ", ".join(kept)},
            )
            return _render_as_saved(request, pk, form, counts_form)
        messages.error(request, _("Some values are not valid; nothing was saved. Correct the marked fields."))
        return _render_self_assessment(request, dossier, form, counts_form, status=400)
    version = form.cleaned_data["version"]
    try:
        dossier = services.self_assessment_save(
            dossier=dossier,
            actor=request.user,
            answers=form.answers(),
            counts=counts_form.values() if counts_form is not None else None,
            confirmed=form.confirmed(),
            expected_version=version,
        )
    except services.DossierConflict:
        # Saved by someone else since this page was opened: what this official typed stays in the
        # form, beside it what the other person saved; saving again is on the current version.
        fresh = visible_dossier(request, pk)
        theirs = selectors.values_saved_since(
            dossier=fresh, answers=form.answers(), counts=counts_form.values() if counts_form else None
        )
        messages.error(
            request,
            _(
                "Someone else saved this dossier after you opened it; nothing was overwritten. What you "
                "typed is kept below, beside the values they saved: check them, then save again."
            ),
        )
        form.data = form.data.copy()
        form.data["version"] = fresh.version
        return _render_self_assessment(request, fresh, form, counts_form, status=409, theirs=theirs)
    except services.DossierActionError as error:
        show_action_error(request, error)
        return _render_self_assessment(request, visible_dossier(request, pk), form, counts_form, status=409)

    failed_upload = False
    for field_name, (file_name, reason) in getattr(request, "skipped_uploads", {}).items():
        if field_name in form.fields:  # refused while the request was read: nothing of it was stored
            failed_upload = True
            form.add_error(field_name, skipped_upload_message(file_name, reason))
    _kept, refused = _attach(request, dossier, form, form.uploads())
    if failed_upload or refused:
        messages.error(request, _("Your answers were saved, but some files were refused (see below)."))
        return _render_as_saved(request, pk, form, counts_form)

    if "submit" in request.POST:
        # The answers are saved; submitting is confirmed on its own page (what is locked, who is told).
        problems = selectors.dossier_for_page(pk=pk).submission_problems()
        if problems:
            show_action_error(
                request, services.DossierActionError(_("The dossier cannot be submitted yet."), problems)
            )
            return redirect("assessments:self_assessment", pk=pk)
        messages.success(request, _("Draft saved."))
        return redirect("assessments:dossier_action", pk=pk, action="submit")
    messages.success(request, _("Draft saved."))
    return redirect("assessments:self_assessment", pk=pk)


def _attach(request, dossier, form, uploads) -> tuple[list[str], bool]:
    """Each upload stored as evidence; a refused one is marked on its field. (names kept, any refused)
    At most EVIDENCE_UPLOADS_PER_HOUR files per official an hour (communes.limits; open when the cache
    is down: the per-dossier quota, in the database, still bounds what is stored)."""
    from django.conf import settings

    from communes.limits import by_official, over_limit

    kept, refused = [], False
    limit = settings.EVIDENCE_UPLOADS_PER_HOUR
    for criterion, upload in uploads:
        if over_limit(request, group="upload", key=by_official, limit=limit, per="h"):
            refused = True
            form.add_error(
                f"evidence_{criterion.pk}",
                _("You have sent %(limit)s files in the last hour, the most allowed; try again later.")
                % {"limit": limit},
            )
            continue
        try:
            services.evidence_add(dossier=dossier, actor=request.user, criterion=criterion, upload=upload)
            kept.append(upload.name)
        except services.DossierActionError as error:
            refused = True
            form.add_error(f"evidence_{criterion.pk}", error.message)
    return kept, refused


def _render_as_saved(request, pk: int, form, counts_form):
    """The form again with what was typed, over the dossier as now stored (its files, its new version)."""
    fresh = visible_dossier(request, pk)
    form.rows = selectors.criterion_rows(dossier=fresh)
    form.data = form.data.copy()
    form.data["version"] = fresh.version
    return _render_self_assessment(request, fresh, form, counts_form, status=400)


def _render_self_assessment(request, dossier, form, counts_form=None, status=200, theirs=None):
    return render(
        request,
        "assessments/self_assessment.html",
        {
            "dossier": dossier,
            "form": form,
            "counts_form": counts_form,
            "counts": dossier.situation(),
            "rows": list(form.bound_rows()),
            "editable": dossier.is_editable,
            "can_submit": perms.may_take("submit", dossier, request.user),
            # Last year's dossiers of the unit and of those it replaced, to start from.
            "history": selectors.history_of(dossier=dossier),
            "max_mb": _max_mb(),
            "latest_return": selectors.latest_return(dossier),
            "theirs": theirs,
        },
        status=status,
    )


def _max_mb() -> int:
    from django.conf import settings

    return settings.EVIDENCE_MAX_BYTES // (1024 * 1024)


@require_GET
def evidence_download(request, pk: int, evidence_id: int):
    """Evidence is served only here, after the permission check on its dossier."""
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "dossier__commune__district", "dossier__commune__province", "dossier__criteria_set"
        ),
        pk=evidence_id,
        dossier_id=pk,
    )
    if not perms.can_view(evidence.dossier, request.user):
        raise Http404
    return protected_file_response(
        evidence.file,
        filename=safe_name(evidence.original_name, evidence.extension),  # also for names stored before
        content_type=evidence.content_type,
        as_attachment=request.GET.get("inline") != "1",
    )


@require_POST
def evidence_delete(request, pk: int, evidence_id: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "dossier__commune__district", "dossier__commune__province", "dossier__criteria_set"
        ),
        pk=evidence_id,
        dossier_id=pk,
    )
    if not perms.can_view(evidence.dossier, request.user):
        raise Http404
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except services.DossierActionError as error:
        show_action_error(request, error)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": evidence.original_name})
    return redirect("assessments:self_assessment", pk=pk)


def appraisal(request, pk: int):
    """Thẩm định: the district police record the inspection, team, findings and recommendation."""
    dossier = visible_dossier(request, pk)
    if not perms.can_appraise(dossier, request.user):
        raise PermissionDenied
    if not workflow.appraisal_open(dossier):
        messages.warning(request, _("The appraisal can be edited only while the dossier is under appraisal."))
        return redirect("assessments:dossier_detail", pk=pk)
    rows = selectors.criterion_rows(dossier=dossier)
    current = selectors.appraisal_of(dossier)
    clerk_numbers = register_numbering(unit=workflow.appraising_unit(dossier), kind="police") == "clerk"
    start_empty = dossier.criteria_set.appraisal_rule("findings_start_empty")
    agencies = dossier.criteria_set.appraisal_rule("agencies")
    papers = workflow.appraisal_papers(dossier)
    unit = workflow.appraising_unit(dossier)
    if request.method != "POST":
        # "Fill from a saved team": one of this police command's teams fills the team's rows.
        team_id = request.GET.get("team", "")
        team = selectors.teams_for(unit).filter(pk=team_id).first() if team_id.isdigit() else None
        form = AppraisalForm(
            rows=rows,
            appraisal=current,
            papers=papers,
            clerk_numbers=clerk_numbers,
            start_empty=start_empty,
            team=team,
            agencies=agencies,
            initial={"version": dossier.version},
        )
        return _render_appraisal(request, dossier, form)
    form = AppraisalForm(
        request.POST,
        rows=rows,
        appraisal=current,
        papers=papers,
        clerk_numbers=clerk_numbers,
        agencies=agencies,
    )
    if not form.is_valid():
        messages.error(request, _("Some values are not valid; nothing was saved. Correct the marked fields."))
        return _render_appraisal(request, dossier, form, status=400)
    try:
        services.appraisal_save(
            dossier=dossier,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.appraisal_data(),
        )
        if form.cleaned_data.get("save_team_as"):
            services.team_save(
                unit=unit, actor=request.user, name=form.cleaned_data["save_team_as"], members=form.members()
            )
        if "complete" in request.POST and (
            problems := selectors.appraisal_problems(dossier=selectors.dossier_for_page(pk=pk))
        ):
            raise services.DossierActionError(_("The appraisal cannot be completed yet."), problems)
    except services.DossierActionError as error:
        # What was typed stays on the form, with the reason it was refused; when the draft itself was
        # saved (completing was refused), the form carries the dossier's new version.
        status = show_action_error(request, error)
        if not isinstance(error, services.DossierConflict):
            data = request.POST.copy()
            data["version"] = str(Dossier.objects.values_list("version", flat=True).get(pk=pk))
            form = AppraisalForm(
                data,
                rows=rows,
                appraisal=current,
                papers=papers,
                clerk_numbers=clerk_numbers,
                agencies=agencies,
            )
            form.is_valid()
        return _render_appraisal(request, dossier, form, status=status)
    if "complete" in request.POST:
        # The draft is saved; completing is confirmed on its own page (numbers, who is told).
        messages.success(request, _("Appraisal draft saved."))
        return redirect("assessments:dossier_action", pk=pk, action="complete_appraisal")
    messages.success(request, _("Appraisal draft saved."))
    if "next" in request.POST:
        # A campaign: straight on to the next dossier under appraisal that awaits this official.
        following = [
            d.pk for d in selectors.dossiers_to_act_on(user=request.user, transition="complete_appraisal")
        ]
        # The one after this in the list (longest waiting first); after the last, the list to complete.
        after = following[following.index(pk) + 1 :] if pk in following else following
        if after:
            return redirect("assessments:appraisal", pk=after[0])
        return redirect("assessments:appraisals_complete")
    return redirect("assessments:appraisal", pk=pk)


def _render_appraisal(request, dossier, form, status=200):
    returns = selectors.returns_of(dossier)
    return render(
        request,
        "assessments/appraisal.html",
        {
            "dossier": dossier,
            "form": form,
            "rows": list(form.bound_rows()),
            "counts": dossier.situation(),
            "collects_counts": selectors.collects_counts(dossier.criteria_set),
            "latest_return": selectors.latest_return(dossier, returns),
            "changes": selectors.changes_since_return(dossier, returns) if returns else None,
            "teams": selectors.teams_for(workflow.appraising_unit(dossier)),
        },
        status=status,
    )


@require_GET
def notifications(request):
    items = Notification.objects.filter(recipient=request.user).select_related("event", "dossier__commune")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(request, "assessments/notifications.html", {"page": page, "unread_ids": unread_ids})
    Notification.objects.filter(pk__in=unread_ids).update(read_at=timezone.now())
    return response


# --- the yearly cycle (Decision 28/2025) -------------------------------------------------------------


def _cycle_provinces(user):
    return provinces_managing_cycles(user)


def cycles(request):
    """Đợt xét: the province's yearly cycles; the provincial police open the next one here."""
    provinces = list(provinces_followed(request.user))
    managed = list(_cycle_provinces(request.user))
    if not provinces and not managed:
        raise PermissionDenied
    form = None
    if managed:
        province = managed[0]
        candidates = selectors.cycle_candidates(province=province, year=timezone.localdate().year)
        if request.method == "POST":
            form = CycleForm(request.POST, communes=candidates)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    cycle = services.cycle_open(
                        province=province,
                        year=data["year"],
                        actor=request.user,
                        target_percent=data["target_percent"],
                        reports_due=data["reports_due"],
                        ministry_report_due=data["ministry_report_due"],
                        plan_reference=data["plan_reference"],
                        assigned=list(data["assigned"]),
                    )
                except services.DossierActionError as error:
                    show_action_error(request, error)
                else:
                    messages.success(
                        request,
                        _("The %(year)s cycle is open: %(count)s communes assigned.")
                        % {"year": cycle.year, "count": cycle.entries.count()},
                    )
                    return redirect("assessments:cycle_detail", pk=cycle.pk)
            else:
                messages.error(
                    request, _("Some values are not valid; nothing was saved. Correct the marked fields.")
                )
        else:
            form = CycleForm(communes=candidates, initial={"year": timezone.localdate().year})
    elif request.method == "POST":
        raise PermissionDenied
    listed = selectors.cycles_of(provinces={*provinces, *managed})
    return render(
        request,
        "assessments/cycles.html",
        {"cycles": listed, "form": form},
        status=400 if form and form.errors else 200,
    )


def cycle_detail(request, pk: int):
    cycle = get_object_or_404(EvaluationCycle.objects.select_related("province", "criteria_set"), pk=pk)
    if not follows_province(request.user, cycle.province):
        raise PermissionDenied
    may_assign = can_manage_cycles(request.user, cycle.province)
    candidates = selectors.cycle_candidates(province=cycle.province, year=cycle.year, cycle=cycle)
    form = AssignForm(communes=candidates) if may_assign else None
    if request.method == "POST":
        if not may_assign:
            raise PermissionDenied
        form = AssignForm(request.POST, communes=candidates)
        if form.is_valid():
            try:
                services.cycle_assign(
                    cycle=cycle, communes=list(form.cleaned_data["assigned"]), actor=request.user
                )
            except services.DossierActionError as error:
                show_action_error(request, error)
            else:
                messages.success(request, _("The communes were assigned; their dossiers are open."))
                return redirect("assessments:cycle_detail", pk=pk)
    return render(
        request,
        "assessments/cycle_detail.html",
        {"cycle": cycle, "progress": selectors.cycle_progress(cycle=cycle), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def cycle_register(request, pk: int):
    """A commune not assigned by the plan registers itself for the year (đăng ký xây dựng)."""
    cycle = get_object_or_404(EvaluationCycle.objects.select_related("criteria_set"), pk=pk)
    try:
        commune_pk = int(request.POST.get("commune", ""))
    except ValueError:
        raise Http404 from None
    commune = get_object_or_404(Commune, pk=commune_pk, province=cycle.province)
    if not perms.can_open(commune, request.user):
        raise PermissionDenied
    try:
        dossier = services.cycle_register(cycle=cycle, commune=commune, actor=request.user)
    except services.DossierActionError as error:
        show_action_error(request, error)
        return redirect("home")
    messages.success(
        request, _("%(name)s is registered for %(year)s.") % {"name": commune.name, "year": cycle.year}
    )
    if dossier is not None:
        return redirect("assessments:dossier_detail", pk=dossier.pk)
    return redirect("home")


@require_http_methods(["GET", "POST"])
def appraisals_start(request):
    """Bắt đầu thẩm định: the police start several submitted dossiers at once, with a saved team."""
    _require_appraiser(request.user)
    dossiers = selectors.dossiers_to_act_on(user=request.user, transition="start_appraisal")
    units = {workflow.appraising_unit(d) for d in dossiers}
    teams = InspectionTeam.objects.none()
    for unit in units:
        teams = teams | selectors.teams_for(unit)
    form = StartAppraisalsForm(request.POST or None, dossiers=dossiers, teams=teams)

    def confirmation() -> Confirmation:
        chosen, data = form.chosen(), form.cleaned_data
        return Confirmation(
            title=_("Start the appraisal of %(count)s dossiers") % {"count": len(chosen)},
            confirm_label=_("Confirm: start the appraisals"),
            cancel_url=reverse("assessments:appraisals_start"),
            facts=[
                (_("Dossiers"), "\n".join(f"{d.commune.name} ({d.year})" for d in chosen)),
                (_("Saved inspection team"), str(data["team"] or "—")),
                (
                    _("Inspection date"),
                    formats.date_format(data["inspection_date"], "SHORT_DATE_FORMAT")
                    if data["inspection_date"]
                    else "—",
                ),
            ],
            consequences=workflow.consequences_of("start_appraisal"),
            told=[],
        )

    def act():
        data = form.cleaned_data
        started, refused = services.appraisals_start(
            dossiers=form.chosen(),
            actor=request.user,
            team=data["team"],
            inspection_date=data["inspection_date"],
            place=data["place"],
        )
        _report_campaign(request, started, refused, _("Appraisal started for %(count)s dossiers."))
        if started:
            return redirect("assessments:appraisal", pk=started[0].pk)
        return redirect("assessments:appraisals_start")

    status = 200
    if request.method == "POST":
        answer = confirmed_act(request, form=form, confirmation=confirmation, act=act)
        if answer.response:
            return answer.response
        status = answer.status
    return render(
        request, "assessments/campaign_start.html", {"form": form, "dossiers": dossiers}, status=status
    )


@require_http_methods(["GET", "POST"])
def appraisals_complete(request):
    """Hoàn thành thẩm định: the police complete several appraisals at once (those with nothing missing)."""
    _require_appraiser(request.user)
    dossiers = selectors.dossiers_to_act_on(user=request.user, transition="complete_appraisal")
    # What each still misses, read for all of them at once (not a few queries per dossier).
    prefetch_related_objects(dossiers, "appraisal__members", "appraisal__findings", "criteria_set__criteria")
    numbering = {
        unit: register_numbering(unit=unit, kind="police")
        for unit in {workflow.appraising_unit(d) for d in dossiers}
    }
    problems = {
        d.pk: selectors.appraisal_problems(dossier=d, police_numbering=numbering[workflow.appraising_unit(d)])
        for d in dossiers
    }
    ready = [d for d in dossiers if not problems[d.pk]]
    form = CampaignForm(request.POST or None, dossiers=ready)

    def confirmation() -> Confirmation:
        chosen = form.chosen()
        return Confirmation(
            title=_("Complete %(count)s appraisals") % {"count": len(chosen)},
            confirm_label=_("Confirm: complete the appraisals"),
            cancel_url=reverse("assessments:appraisals_complete"),
            facts=[
                (
                    _("Dossiers"),
                    "\n".join(
                        f"{d.commune.name} ({d.year}): {d.appraisal.get_recommendation_display()}"
                        for d in chosen
                    ),
                )
            ],
            consequences=workflow.consequences_of("complete_appraisal"),
            told=selectors.told_after(dossiers=chosen, transition="complete_appraisal", actor=request.user),
            back_to_form=False,
        )

    def act():
        done, refused = services.appraisals_complete(dossiers=form.chosen(), actor=request.user)
        _report_campaign(request, done, refused, _("%(count)s appraisals completed."))
        return redirect("assessments:appraisals_complete")

    status = 200
    if request.method == "POST":
        answer = confirmed_act(request, form=form, confirmation=confirmation, act=act)
        if answer.response:
            return answer.response
        status = answer.status
    rows = [(d, problems[d.pk]) for d in dossiers]
    return render(
        request,
        "assessments/campaign_complete.html",
        {
            "form": form,
            "rows": rows,
            "ready": ready,
            # The list is its own confirmation: what completing does and who is told, above the button.
            "consequences": workflow.consequences_of("complete_appraisal"),
            "told": selectors.told_after(dossiers=ready, transition="complete_appraisal", actor=request.user),
        },
        status=status,
    )


def _require_appraiser(user) -> None:
    """The campaign pages are the police's: who appraises for no unit is refused."""
    if not perms.appraises_somewhere(user):
        raise PermissionDenied


def _report_campaign(request, done: list, refused: list, success: str) -> None:
    if done:
        messages.success(request, success % {"count": len(done)})
    for dossier, reason in refused:
        messages.error(request, f"{dossier.commune.name} ({dossier.year}): {reason}")
