"""reports"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import (
    DossierActionError,
)
from communes.models import IssuingBody
from communes.services import issuing_body_for
from communes.signing import capacity_from_title
from communes.text import nfc

from .models import Document
from .permissions import can_report_to_ministry, can_send_summary
from .services.documents import numbered_document_request

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def summary_request(
    *,
    year: int,
    province,
    actor: User,
    issued_on: datetime.date | None = None,
    signer_title: str = "",
    signer_capacity: str = "",
) -> Document:
    """The provincial police's summary dispatch for a year (by district, border communes first),
    numbered in the provincial police's own register, dated (default today) and signed by `actor`.
    One at a time per year and province: while one is being prepared, asking again is refused (it
    would take another dispatch number and another render for the same content)."""
    if not can_send_summary(province, actor):
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
        signer_capacity=signer_capacity,
        label=f"summary {year}",
        busy=_("The %(year)s summary dispatch is already being prepared; it will appear below."),
    )


def _police_document(
    *,
    kind: str,
    province,
    body: IssuingBody,
    year: int,
    actor: User,
    issued_on: datetime.date | None,
    signer_title: str,
    signer_capacity: str,
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
    return numbered_document_request(
        kind=kind,
        body=body,
        issued_on=issued_on,
        label=label,
        province=province,
        year=year,
        signer=actor,
        signer_name=actor.get_full_name(),
        signer_title=nfc(signer_title).strip(),
        signer_capacity=signer_capacity or capacity_from_title(signer_title),
        **fields,
    )


@transaction.atomic
def ministry_report_request(
    *,
    province,
    year: int,
    actor: User,
    issued_on: datetime.date | None = None,
    signer_title: str = "",
    signer_capacity: str = "",
) -> Document:
    """Báo cáo: the provincial police's report of the year's results to the Ministry, as things stand
    on its date (the chairman's decision may come later: neither waits for the other). Numbered in the
    provincial police's register; its figures are fixed in the document, for its PDF and spreadsheet."""
    from .selectors import ministry_report_figures

    if not can_report_to_ministry(province, actor):
        raise PermissionDenied
    return _police_document(
        kind=Document.Kind.MINISTRY_REPORT,
        province=province,
        body=issuing_body_for(unit=province, kind=IssuingBody.Kind.POLICE),
        year=year,
        actor=actor,
        issued_on=issued_on,
        signer_title=signer_title,
        signer_capacity=signer_capacity,
        label=f"report {year}",
        busy=_("The %(year)s report is already being prepared; it will appear below."),
        figures=ministry_report_figures(province=province, year=year),
    )


@transaction.atomic
def ministry_report_mark_sent(*, document: Document, actor: User, sent_on: datetime.date) -> Document:
    """The day the report went to the Ministry, recorded by the provincial police."""
    if not can_report_to_ministry(document.province, actor):
        raise PermissionDenied
    if sent_on > timezone.localdate() or (document.issued_on and sent_on < document.issued_on):
        raise DossierActionError(_("The report is sent on or after its date, and not in the future."))
    Document.objects.filter(pk=document.pk).update(sent_on=sent_on)
    document.refresh_from_db()
    return document
