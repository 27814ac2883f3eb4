"""Pages of recording: the province's recorded decisions, one entered by hand, a file of them, and each
one with its communes and its file (served only through a permission check)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import workflow
from assessments.pages import confirmed_act, followed_province
from communes.confirm import Confirmation
from communes.protected_media import protected_file_response
from recognition.models import RecordedDecision, RecordedOutcome

from . import held, permissions, selectors
from .forms import PastDecisionForm, PastDecisionsFileForm
from .importer import read_past_decisions
from .services import (
    OutcomeLine,
    PastDecision,
    RecordRefused,
    already_recorded,
    attachment_facts,
    past_decision_record,
    past_decisions_import,
    record_problems,
)

OUTCOME_WORDS = dict(RecordedOutcome.Outcome.choices)


@require_GET
def recorded_list(request):
    """Quyết định đã ghi nhận: the decisions of the province issued outside the application."""
    province = followed_province(request)
    return render(
        request,
        "records/list.html",
        {
            "province": province,
            "decisions": selectors.recorded_decisions(province=province),
            "may_record": permissions.can_record(request.user, province),
        },
    )


def _keep_files(request, data, *, field: str, holder: str, name_holder: str = "") -> None:
    """A file chosen now is held, and its token carried in the form's data (kept on a refusal)."""
    upload = request.FILES.get(field)
    if upload is not None:
        data[holder] = held.hold(request.user, upload)
        if name_holder:
            data[name_holder] = upload.name
        request.POST = data  # the confirmation page carries the token with the other values


def _past_decision(form: PastDecisionForm) -> PastDecision:
    data = form.cleaned_data
    return PastDecision(
        unit=data["unit"],
        number=data["number"],
        symbol=data.get("symbol", ""),
        decided_on=data["decided_on"],
        signer_name=data["signer_name"],
        signer_title=data.get("signer_title", ""),
        signer_capacity=data.get("signer_capacity", ""),
        lines=tuple(
            OutcomeLine(commune=commune, year=year, outcome=outcome, reasons=reasons)
            for commune, year, outcome, reasons in data["outcome_lines"]
        ),
    )


def record_new(request):
    """Ghi nhận quyết định: the clerk enters a decision signed outside the application, with the communes
    it names and its scan or signed file; the refusals come before the confirmation."""
    province = followed_province(request)
    if not permissions.can_record(request.user, province):
        raise PermissionDenied
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        _keep_files(
            request, data, field="attachment", holder="held_attachment", name_holder="held_attachment_name"
        )
    form = PastDecisionForm(data, province=province)
    status = 200
    if request.method == "POST" and "more" in request.POST:
        return render(request, "records/new.html", {"form": form, "province": province})

    def attachment() -> tuple[str, bytes] | None:
        return held.held(request.user, form.cleaned_data.get("held_attachment", ""))

    def refusals() -> list[tuple[str, str]]:
        problems = [("", message) for _line, message in record_problems(_past_decision(form))]
        if not problems and (kept := attachment()):
            try:
                attachment_facts(province=province, data=kept[1])
            except RecordRefused as error:
                problems = [("attachment", message) for _line, message in error.problems]
        return problems

    def confirmation() -> Confirmation:
        decision = _past_decision(form)
        body = decision.body()
        kept = attachment()
        return Confirmation(
            title=_("Record decision %(number)s") % {"number": decision.number_display(body)},
            confirm_label=_("Confirm the recording"),
            cancel_url=reverse("records:list"),
            facts=[
                (_("Issuing body"), body.name),
                (_("Number of the decision"), decision.number_display(body)),
                (_("Date of the decision"), formats.date_format(decision.decided_on, "SHORT_DATE_FORMAT")),
                (_("Signer"), ", ".join(filter(None, [decision.signer_name, decision.signer_title]))),
                *[
                    (
                        f"{line.commune.name} — {line.year}",
                        " — ".join(filter(None, [str(OUTCOME_WORDS[line.outcome]), line.reasons])),
                    )
                    for line in decision.lines
                ],
                (_("Attached file"), kept[0] if kept else _("none")),
            ],
            consequences=workflow.consequences_of("record_outcome", "record"),
        )

    def act():
        kept = attachment()
        recorded = past_decision_record(
            actor=request.user,
            decision=_past_decision(form),
            attachment=kept[1] if kept else None,
            attachment_name=form.cleaned_data.get("held_attachment_name") or (kept[0] if kept else ""),
        )
        held.release(request.user, form.cleaned_data.get("held_attachment", ""))
        messages.success(request, _("Decision %(number)s recorded.") % {"number": recorded.number_display})
        return redirect("records:detail", pk=recorded.pk)

    if request.method == "POST":
        try:
            answer = confirmed_act(request, form=form, confirmation=confirmation, act=act, refusals=refusals)
        except RecordRefused as error:  # something changed between the confirmation and the act
            for _line, message in error.problems:
                form.add_error(None, message)
            answer = None
            status = 409
        if answer is not None:
            if answer.response:
                return answer.response
            status = answer.status
    return render(
        request,
        "records/new.html",
        {
            "form": form,
            "province": province,
            "kept": form.data.get("held_attachment_name", "") if data else "",
        },
        status=status,
    )


def record_import(request):
    """Nhập quyết định từ tệp: a CSV or XLSX table, checked whole; every bad line is listed by number,
    and nothing is written on any error; a second run of the same file changes nothing, and says so."""
    province = followed_province(request)
    if not permissions.can_record(request.user, province):
        raise PermissionDenied
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        chosen = [request.FILES["table"]] if "table" in request.FILES else []
        chosen += request.FILES.getlist("attachments")
        if chosen:  # a new choice replaces the files held before
            data["held"] = ",".join(held.hold(request.user, upload) for upload in chosen)
            request.POST = data  # the confirmation page carries the tokens with the other values
    form = PastDecisionsFileForm(data)
    context = {"form": form, "province": province, "problems": [], "files": []}
    status = 200

    def files() -> list[tuple[str, bytes]]:
        tokens = [t for t in (form.cleaned_data.get("held") or "").split(",") if t]
        return [f for f in (held.held(request.user, t) for t in tokens) if f is not None]

    def decisions():
        kept = files()
        tables = [f for f in kept if f[0].lower().endswith((".csv", ".xlsx"))]
        if len(tables) != 1:
            raise RecordRefused([(0, _("Choose one table of decisions (CSV or XLSX)."))])
        name, table = tables[0]
        found = read_past_decisions(name=name, data=table, province=province)
        return name, found, {n: b for n, b in kept if n.lower().endswith(".pdf")}

    def refusals() -> list[tuple[str, str]]:
        try:
            _name, found, attachments = decisions()
        except RecordRefused as error:
            context["problems"] = error.problems
            return [("", _("The file has errors; nothing was written."))]
        problems = [p for decision in found for p in record_problems(decision)]
        problems += [
            (d.line, _("The file “%(name)s” was not given with the table.") % {"name": d.attachment_name})
            for d in found
            if d.attachment_name and d.attachment_name not in attachments
        ]
        if problems:
            context["problems"] = sorted(problems)
            return [("", _("The file has errors; nothing was written."))]
        return []

    def confirmation() -> Confirmation:
        name, found, attachments = decisions()
        new = [d for d in found if already_recorded(d) is None]
        return Confirmation(
            title=_("Record the decisions of %(name)s") % {"name": name},
            confirm_label=_("Confirm the recording"),
            cancel_url=reverse("records:list"),
            facts=[
                (_("Decisions to record"), str(len(new))),
                (_("Communes named"), str(sum(len(d.lines) for d in new))),
                (_("Already recorded, left unchanged"), str(len(found) - len(new))),
                (_("Files attached"), str(len(attachments))),
            ],
            consequences=workflow.consequences_of("record_outcome", "record"),
        )

    def act():
        name, found, attachments = decisions()
        report = past_decisions_import(
            actor=request.user, province=province, decisions=found, attachments=attachments, source=name
        )
        for token in (form.cleaned_data.get("held") or "").split(","):
            held.release(request.user, token)
        if not report.recorded:
            messages.info(
                request,
                _("Nothing changed: the %(n)s decisions of the file are already recorded.")
                % {"n": len(report.unchanged)},
            )
        else:
            messages.success(
                request,
                _("%(n)s decisions recorded (%(lines)s communes); %(same)s already recorded, left unchanged.")
                % {"n": len(report.recorded), "lines": report.lines, "same": len(report.unchanged)},
            )
        return redirect("records:list")

    if request.method == "POST":
        try:
            answer = confirmed_act(
                request,
                form=form,
                confirmation=confirmation,
                act=act,
                refusals=refusals,
                refused_message=_("The file has errors; nothing was written."),
            )
        except RecordRefused as error:
            context["problems"] = error.problems
            answer = None
            status = 409
        if answer is not None:
            if answer.response:
                return answer.response
            status = answer.status
        if form.is_valid():
            context["files"] = [name for name, _data in files()]
    return render(request, "records/import.html", context, status=status)


@require_GET
def recorded_detail(request, pk: int):
    """One recorded decision: what the paper says, its communes and their dossiers, its file."""
    decision = get_object_or_404(RecordedDecision.objects.select_related("province", "entered_by"), pk=pk)
    if not permissions.can_read_recorded(request.user, decision):
        raise PermissionDenied
    return render(
        request,
        "records/detail.html",
        {"decision": decision, "outcomes": selectors.outcomes_of(decision)},
    )


@require_GET
def recorded_file(request, pk: int):
    """The attached scan or signed file, for whoever may read the recorded decision."""
    decision = get_object_or_404(RecordedDecision, pk=pk)
    if not permissions.can_read_recorded(request.user, decision):
        raise PermissionDenied
    if not decision.attachment:
        raise Http404
    return protected_file_response(
        decision.attachment,
        filename=f"Quyết định {decision.number_display.replace('/', '-')}.pdf",
        content_type="application/pdf",
    )
