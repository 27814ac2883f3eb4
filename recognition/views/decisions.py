"""Decision pages: a commune's decision, several at once, the chairman's decision with its annex, revocations, the clerk's register. Thin: parse, authorise (guardian, through permissions.py), call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import permissions as dossier_perms
from assessments import selectors as dossier_selectors
from assessments import workflow
from assessments.models import Dossier
from assessments.pages import confirmed_act, followed_province, visible_dossier
from assessments.services import dossier_send_back
from communes.confirm import Confirmation
from communes.permissions import (
    decides_for_a_district,
    decides_for_province,
    keeps_a_register,
)
from communes.selectors import active_posts_of

from .. import permissions, services
from ..documents import download_name, signature_lines
from ..forms import DecisionForm, IssueForm, RevocationForm
from ..models import CollectiveDecision, Document, RecognitionDecision, Revocation


def _post_title(request) -> str:
    return next((p.title for p in active_posts_of(request) if p.title), "")


def _signer_initial(request) -> dict:
    """The signer's title and capacity as their post gives them (the form may change both)."""
    post = next((p for p in active_posts_of(request) if p.title), None)
    return {"signer_title": post.title, "signer_capacity": post.capacity} if post else {}


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
                **_signer_initial(request),
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
                signer_capacity=data["signer_capacity"],
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
            (
                _("Signer"),
                " / ".join(
                    [*signature_lines(data["signer_title"], "CHỦ TỊCH", data["signer_capacity"])]
                    + [request.user.get_full_name()]
                ),
            ),
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
        initial={**_signer_initial(request), "decided_on": services.latest_issue_date(dossier)},
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


@require_GET
def register(request):
    """Sổ văn bản: the clerk's list of approved decisions waiting for the number of the office's register."""

    if not keeps_a_register(request.user):
        raise PermissionDenied
    return render(request, "recognition/register.html", {"awaiting": services.awaiting_numbers(request.user)})


ISSUABLE = {"decision": RecognitionDecision, "revocation": Revocation, "collective": CollectiveDecision}


def issue(request, kind: str, pk: int):
    """Vào sổ: the clerk enters the number and the date of issue of one approved decision."""
    model = ISSUABLE.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=pk)
    if isinstance(record, CollectiveDecision):
        followed_province(request)
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


def collective_decision(request, year: int):
    """Quyết định công nhận: the provincial chairman recognises the council's recommended communes in
    one decision with an annex (leaving any out with a reason); the year's decisions and their PDFs."""

    from ..forms import CollectiveDecisionForm
    from ..models import CollectiveDecision

    province = followed_province(request)
    can_decide = decides_for_province(request.user, province)
    candidates = services.recommended_dossiers(province=province, year=year).select_related("counts")
    form = CollectiveDecisionForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial=_signer_initial(request),
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
                signer_capacity=form.cleaned_data["signer_capacity"],
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


def decisions(request):
    """Quyết định nhiều hồ sơ: the district chair sees the appraised dossiers with the police's
    recommendations in one list and decides several at once, after one confirmation; each decision is
    numbered, recorded in its dossier's history and documented on its own."""

    from ..forms import DecideSeveralForm

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
            **_signer_initial(request),
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
            signer_capacity=form.cleaned_data["signer_capacity"],
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
