"""What decisions, revocations and documents share: the issuing body, the register's next number, the dates a document obeys, its citations, a recognition's validity, telling the clerk."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Dossier
from assessments.services import (
    DossierActionError,
    notify_officials,
)
from communes.models import IssuingBody
from communes.services import RegisterError, issuing_body_for, register_next
from communes.signing import capacity_from_title
from communes.text import nfc

from ..documents import kinds
from ..models import Document, Revocation
from ..selectors import legal_bases_for, legal_basis_problems

if TYPE_CHECKING:
    from accounts.models import User

# The series of a register, as the kinds' entries name them: decisions (recognitions, refusals and
# revocations share one) and dispatches.
DECISION_SERIES = kinds.entry(Document.Kind.RECOGNITION).series


DISPATCH_SERIES = kinds.entry(Document.Kind.NOTIFICATION).series


def _tell(*, recipients, subject: str, note: str, link: str) -> int:
    """A notice of work of no dossier. It is stored as written: callers write it in the application's
    language (translation.override(settings.LANGUAGE_CODE))."""
    return notify_officials(recipients=recipients, subject=str(subject), note=str(note), link=link)


def _tell_the_clerk(*, unit, what: str, actor: User) -> int:
    """Văn thư: a decision approved while the office's clerk gives the numbers waits for its number; the
    clerks of the deciding unit are told, with the register's page."""
    from django.urls import reverse

    from communes.permissions import holders_of

    with translation.override(settings.LANGUAGE_CODE):
        return _tell(
            recipients=list(holders_of("keep_register", unit)),
            subject=_("A decision waits for its number: %(what)s") % {"what": what},
            note=_("%(actor)s approved it; enter the number and the date of issue from the register.")
            % {"actor": actor.get_full_name()},
            link=reverse("recognition:register"),
        )


def deciding_body(dossier: Dossier) -> IssuingBody:
    """The People's Committee that decides on the dossier (the procedure's level), with its register."""
    return issuing_body_for(unit=workflow.deciding_unit(dossier), kind=IssuingBody.Kind.PEOPLE_COMMITTEE)


def _next_number(*, body: IssuingBody, series: str, issued_on: datetime.date, label: str) -> int:
    try:
        return register_next(body=body, series=series, issued_on=issued_on, label=label)
    except RegisterError as error:
        raise DossierActionError(error.message) from error


def _check_issue_date(*, dossier: Dossier, day: datetime.date, not_before: list) -> None:
    """The dates every document of a dossier obeys: not in the future, not after its procedure's bodies
    ended (districts: 30 June 2025), not before what it rests on (`not_before`: (date, what) pairs)."""
    if day > timezone.localdate():
        raise DossierActionError(_("The document cannot be dated in the future."))
    until = workflow.procedure_of(dossier).documents_until
    if until is not None and day > until:
        raise DossierActionError(
            _("The bodies of this procedure issued documents until %(day)s: date it no later.")
            % {"day": until.strftime("%d/%m/%Y")}
        )
    for earliest, what in not_before:
        if earliest is not None and day < earliest:
            raise DossierActionError(
                _("The document cannot be dated before %(what)s (%(day)s).")
                % {"what": what, "day": earliest.strftime("%d/%m/%Y")}
            )


def _inspection_date(dossier: Dossier) -> datetime.date | None:
    appraisal = getattr(dossier, "appraisal", None)
    return appraisal.inspection_date if appraisal is not None else None


def _citations(*, dossier: Dossier, document_kind: str, on: datetime.date) -> list[str]:
    """The legal bases the document cites, as printed; refused (with what is missing) when a basis in
    force lacks what its kind prints, or no law is recorded."""
    bases = legal_bases_for(procedure=dossier.criteria_set.procedure, document_kind=document_kind, on=on)
    problems = legal_basis_problems(bases, on=on)
    if problems:
        raise DossierActionError(
            _(
                "The document cannot be issued: its legal bases are incomplete. Ask the provincial staff to complete them."
            ),
            problems,
        )
    return [basis.citation() for basis in bases]


def default_valid_until(*, year: int, criteria_set) -> datetime.date:
    """The latest day a recognition of `year` stands, by the criteria set's rule
    (CriteriaSet.recognition_valid_until)."""
    return criteria_set.recognition_valid_until(year)


def _issued_by(
    *, body: IssuingBody, actor: User, decided_on: datetime.date, signer_title: str, signer_capacity: str = ""
) -> dict:
    """The fields every decision takes from its issuing body, its signer (and how they sign: given, or
    read from the title) and its date."""
    return {
        "decided_on": decided_on,
        "approved_on": decided_on,
        "issuer_code": body.code,
        "issuer_name": body.name,
        "symbol": body.symbol(DECISION_SERIES),
        "signer": actor,
        "signer_name": actor.get_full_name(),
        "signer_title": nfc(signer_title).strip(),
        "signer_capacity": signer_capacity or capacity_from_title(signer_title),
    }


def _label(record) -> str:
    what = "revocation" if isinstance(record, Revocation) else record.outcome
    dossier = record.decision.dossier if isinstance(record, Revocation) else record.dossier
    return f"{what}: {dossier.commune.code} {dossier.year}"
