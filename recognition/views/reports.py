"""The provincial police's reports: the yearly summary dispatches and the report to the Ministry, with its spreadsheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.pages import confirmed_act, followed_province, show_action_error
from assessments.services import DossierActionError
from communes.confirm import Confirmation
from communes.permissions import (
    follows_province,
)

from .. import permissions, selectors, services
from ..documents import download_name, police_head_title, printed_title, signature_lines
from ..forms import SummaryForm
from ..models import Document
from .decisions import _post_title, _signer_initial


def summaries(request):
    """The provincial police's yearly summary dispatches, for the province the user works in."""
    from communes.selectors import province_of

    province = province_of(request.user)
    if province is None or not follows_province(request.user, province):
        raise PermissionDenied
    can_request = permissions.can_send_summary(province, request.user)
    form = SummaryForm(request.POST or None, initial=_signer_initial(request))
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


def ministry_report(request, year: int):
    """Báo cáo Bộ Công an: the provincial police prepare the year's report (PDF and spreadsheet) as
    things stand on its date, and record the day it was sent; the due date and the days left."""
    from assessments.models import EvaluationCycle

    from ..forms import ReportForm, SentForm

    province = followed_province(request)
    can_manage = permissions.can_report_to_ministry(province, request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReportForm(
        request.POST if action == "prepare" else None,
        initial={
            **_signer_initial(request),
            "signer_title": printed_title(_post_title(request), police_head_title(province)),
        },
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
            " / ".join(
                signature_lines(data["signer_title"], police_head_title(province), data["signer_capacity"])
            ),
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
