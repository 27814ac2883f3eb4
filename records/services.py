"""Ghi nhận quyết định đã ban hành ngoài hệ thống: a decision signed outside the application (a district
chair's of 2022–2024, the provincial chairman's on the 2025 cycle) entered by the clerk, by hand or from
a file, so that the unit's history, re-evaluation, the dashboards and the report to the Ministry read it
like any other year.

Each commune it names takes the step `record_outcome` of its procedure's table; the number is entered in
the issuing body's register as taken (the register never gives it again); the attached scan is kept with
its SHA-256, a signed file with its signatures validated (esign.validation). Each public function is one
transaction, and refuses everything when one thing is wrong.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Dossier
from assessments.selectors import criteria_set_for
from assessments.services import DossierActionError, DossierConflict, dossier_record_outcome
from communes.models import Commune, District, IssuingBody, Province
from communes.selectors import register_number_used
from communes.services import RegisterError, issuing_body_for, register_take
from communes.signing import capacity_from_title
from communes.text import document_number, nfc
from recognition.models import RecognitionDecision, RecordedDecision, RecordedOutcome, Revocation
from recognition.services.common import DECISION_SERIES, default_valid_until

from .permissions import can_record

if TYPE_CHECKING:
    from accounts.models import User

Outcome = RecordedOutcome.Outcome


class RecordRefused(Exception):
    """What stops a recording, as (line, message) pairs: line 0 is the decision itself (or the form)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _line, message in problems))


@dataclass(frozen=True)
class OutcomeLine:
    """A commune the decision names, the evaluation year and the outcome, with its reasons."""

    commune: Commune
    year: int
    outcome: str
    reasons: str = ""
    line: int = 0  # the line of the imported file (0: entered by hand)


@dataclass(frozen=True)
class PastDecision:
    """A decision issued outside the application, as the clerk reads it from the paper."""

    unit: District | Province  # whose People's Committee issued it
    number: int
    decided_on: datetime.date
    signer_name: str
    signer_title: str = ""
    signer_capacity: str = ""
    symbol: str = ""  # the body's decision symbol when empty ("QĐ-UBND")
    lines: tuple[OutcomeLine, ...] = ()
    attachment_name: str = ""  # an imported row's file, among those given with the table
    line: int = 0  # its first line in the imported file

    def body(self) -> IssuingBody:
        return issuing_body_for(unit=self.unit, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)

    def symbol_of(self, body: IssuingBody) -> str:
        return nfc(self.symbol).strip() or body.symbol(DECISION_SERIES)

    def number_display(self, body: IssuingBody) -> str:
        return document_number(self.number, self.symbol_of(body))


@dataclass
class ImportReport:
    recorded: list[RecordedDecision] = field(default_factory=list)
    unchanged: list[RecordedDecision] = field(default_factory=list)
    lines: int = 0


def _level(unit) -> str:
    return str(unit._meta.model_name)


def _under(commune: Commune, unit) -> bool:
    if isinstance(unit, District):
        return commune.district_id == unit.pk
    return commune.province_id == unit.pk


def already_recorded(decision: PastDecision) -> RecordedDecision | None:
    """The same decision recorded before (its issuing body, symbol, number and year), or None."""
    body = decision.body()
    return RecordedDecision.objects.filter(
        issuer_code=body.code,
        symbol=decision.symbol_of(body),
        number=decision.number,
        year=decision.decided_on.year,
    ).first()


def _same_lines(recorded: RecordedDecision, decision: PastDecision) -> bool:
    held = {
        (o.dossier.commune_id, o.dossier.year, o.outcome) for o in recorded.outcomes.select_related("dossier")
    }
    return held == {(line.commune.pk, line.year, line.outcome) for line in decision.lines}


def record_problems(decision: PastDecision, *, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """Why the decision cannot be recorded, as (line, message) pairs in Vietnamese; empty when it can, or
    when it is already recorded exactly so (`already_recorded`: a second import changes nothing)."""
    today = today or timezone.localdate()
    body = decision.body()
    number = decision.number_display(body)
    problems: list[tuple[int, str]] = []

    def refuse(line: int, message: str) -> None:
        problems.append((line, message))

    earlier = already_recorded(decision)
    if earlier is not None:
        if not _same_lines(earlier, decision):
            refuse(
                decision.line,
                _(
                    "Decision %(number)s of %(body)s was already recorded on %(day)s with other communes or outcomes: correct it there, not by a second recording."
                )
                % {"number": number, "body": body.name, "day": earlier.entered_at.strftime("%d/%m/%Y")},
            )
        return problems
    if decision.number < 1:
        refuse(decision.line, _("A document number starts at 1."))
    if decision.decided_on > today:
        refuse(decision.line, _("The date of the decision cannot be later than today."))
    if not decision.unit.is_valid_on(decision.decided_on):
        refuse(
            decision.line,
            _("%(body)s did not exist on %(day)s: it cannot have issued this decision.")
            % {"body": body.name, "day": decision.decided_on.strftime("%d/%m/%Y")},
        )
    if not nfc(decision.signer_name).strip():
        refuse(decision.line, _("Give the name of the signer."))
    if not decision.lines:
        refuse(decision.line, _("Name at least one commune and its outcome."))
    if used := register_number_used(
        body=body, series=DECISION_SERIES, number=decision.number, year=decision.decided_on.year
    ):
        refuse(decision.line, used)
    seen: set[tuple[int, int]] = set()
    # Read once for the decision: the criteria set of each year, the dossiers of the communes named.
    sets = {year: criteria_set_for(year=year) for year in {line.year for line in decision.lines}}
    dossiers = {
        (d.commune_id, d.year): d
        for d in Dossier.objects.filter(
            commune__in=[line.commune.pk for line in decision.lines], year__in=list(sets)
        ).select_related("criteria_set", "commune")
    }
    for line in decision.lines:
        where = line.line or decision.line
        commune = line.commune
        if (commune.pk, line.year) in seen:
            refuse(
                where, _("%(name)s is named twice for %(year)s.") % {"name": commune.name, "year": line.year}
            )
            continue
        seen.add((commune.pk, line.year))
        if line.outcome not in Outcome.values:
            refuse(where, _("Unknown outcome “%(value)s”.") % {"value": line.outcome})
            continue
        if not _under(commune, decision.unit):
            refuse(
                where,
                _("%(name)s is not a commune of %(unit)s.")
                % {"name": commune.name, "unit": decision.unit.name},
            )
            continue
        criteria_set = sets[line.year]
        if criteria_set is None:
            refuse(where, _("No criteria set applies to %(year)s.") % {"year": line.year})
            continue
        procedure = workflow.PROCEDURES[criteria_set.procedure]
        if procedure.decided_at != _level(decision.unit):
            refuse(
                where,
                _(
                    "For %(year)s (%(procedure)s) the decision is issued by the People's Committee of the %(level)s, not by %(body)s."
                )
                % {
                    "year": line.year,
                    "procedure": procedure.label,
                    "level": _("district") if procedure.decided_at == "district" else _("province"),
                    "body": body.name,
                },
            )
            continue
        if not commune.is_valid_in_year(line.year):
            refuse(
                where, _("%(name)s did not exist in %(year)s.") % {"name": commune.name, "year": line.year}
            )
            continue
        if decision.decided_on < criteria_set.evaluation_period(line.year)[0]:
            refuse(
                where,
                _("A decision of %(day)s cannot be on the evaluation year %(year)s, which had not begun.")
                % {"day": decision.decided_on.strftime("%d/%m/%Y"), "year": line.year},
            )
            continue
        if line.outcome == Outcome.REVOKED and not nfc(line.reasons).strip():
            refuse(where, _("Give the reason of the revocation (the drug case)."))
        if line.outcome == Outcome.NOT_RECOGNISED and not nfc(line.reasons).strip():
            refuse(where, _("Give the reasons for not recognising the commune."))
        dossier = dossiers.get((commune.pk, line.year))
        if dossier is not None:
            found = workflow.step(dossier, "record_outcome")
            if found is None or line.outcome not in found.targets:
                refuse(
                    where,
                    _(
                        "The dossier %(dossier)s is “%(state)s”: a decision issued outside the application can be recorded only on a dossier not yet sent (or, to revoke it, on a recognition)."
                    )
                    % {"dossier": dossier, "state": dossier.get_state_display()},
                )
    return problems


def attachment_facts(*, province, data: bytes) -> dict:
    """What the attached file is: a digitally signed PDF (its signatures validated, never compared with
    a rendered file) or a scan of the signed paper (colour, ≥ 200 dpi); refused with the reason."""
    from esign.scans import ScanRefused, check_scan
    from esign.selectors import trust_for
    from esign.validation import SignatureRefused, validate_signed_file

    if b"/ByteRange" in data:  # a signature dictionary: the file is digitally signed
        try:
            facts = validate_signed_file(uploaded=data, trust=trust_for(province))
        except SignatureRefused as error:
            raise RecordRefused(
                [(0, _("The attached signed file: %(why)s") % {"why": error.message})]
            ) from error
        return {
            "kind": RecordedDecision.Attachment.SIGNED,
            "signatures": [
                {
                    "position": f.position,
                    "signer": f.signer_subject,
                    "certificate_sha256": f.certificate_sha256,
                    "signing_time": f.signing_time.isoformat(),
                    "time_source": f.time_source,
                    "anchor": f.anchor_subject,
                    "modification_level": f.modification_level,
                    "intact": True,
                    "trusted": True,
                }
                for f in facts
            ],
        }
    try:
        check_scan(data)
    except ScanRefused as error:
        raise RecordRefused([(0, _("The attached scan: %(why)s") % {"why": error})]) from error
    return {"kind": RecordedDecision.Attachment.SCAN, "signatures": []}


def _record(
    *, actor: User, decision: PastDecision, attachment: bytes | None, attachment_name: str, source: str
) -> RecordedDecision:
    province = decision.unit if isinstance(decision.unit, Province) else decision.unit.province
    body = decision.body()
    facts = attachment_facts(province=province, data=attachment) if attachment else None
    title = nfc(decision.signer_title).strip()
    capacity = decision.signer_capacity or capacity_from_title(title)
    recorded = RecordedDecision(
        province=province,
        issuer_code=body.code,
        issuer_name=body.name,
        number=decision.number,
        symbol=decision.symbol_of(body),
        decided_on=decision.decided_on,
        approved_on=decision.decided_on,
        signer_name=nfc(decision.signer_name).strip(),
        signer_title=title,
        signer_capacity=capacity,
        source=source[:200],
        entered_by=actor,
        numbered_by=actor,
    )
    if facts is not None and attachment is not None:
        recorded.attachment.save(f"{uuid.uuid4().hex}.pdf", ContentFile(attachment), save=False)
        recorded.attachment_kind = facts["kind"]
        recorded.attachment_name = nfc(attachment_name)[:200]
        recorded.attachment_sha256 = hashlib.sha256(attachment).hexdigest()
        recorded.signatures = facts["signatures"]
    recorded.save()
    try:
        register_take(
            body=body,
            series=DECISION_SERIES,
            number=decision.number,
            issued_on=decision.decided_on,
            label=f"recorded decision {recorded.pk}",
        )
    except RegisterError as error:
        raise RecordRefused([(decision.line, error.message)]) from error
    with translation.override("vi"):
        history = _(
            "Recorded from decision %(number)s of %(day)s of %(body)s, entered by %(who)s on %(today)s."
        ) % {
            "number": recorded.number_display,
            "day": recorded.decided_on.strftime("%d/%m/%Y"),
            "body": body.name,
            "who": actor.get_full_name() or actor.get_username(),
            "today": timezone.localdate().strftime("%d/%m/%Y"),
        }
    signer = {
        "issuer_code": body.code,
        "issuer_name": body.name,
        "number": recorded.number,
        "symbol": recorded.symbol,
        "decided_on": recorded.decided_on,
        "approved_on": recorded.decided_on,
        "numbered_by": actor,
        "signer": None,
        "signer_name": recorded.signer_name,
        "signer_title": recorded.signer_title,
        "signer_capacity": recorded.signer_capacity,
        "recorded": recorded,
    }
    for line in decision.lines:
        reasons = nfc(line.reasons).strip()
        try:
            dossier = dossier_record_outcome(
                commune=line.commune,
                year=line.year,
                actor=actor,
                outcome=line.outcome,
                comment="\n".join(filter(None, [history, reasons])),
            )
        except (DossierActionError, DossierConflict) as error:
            raise RecordRefused([(line.line or decision.line, error.message)]) from error
        if line.outcome == Outcome.REVOKED:
            earlier = RecognitionDecision.objects.filter(dossier=dossier).first()
            if earlier is not None:
                Revocation.objects.create(decision=earlier, reason=reasons, **signer)
        else:
            recognised = line.outcome == Outcome.RECOGNISED
            RecognitionDecision.objects.create(
                dossier=dossier,
                outcome=line.outcome,
                reasons=reasons,
                valid_until=default_valid_until(year=dossier.year, criteria_set=dossier.criteria_set)
                if recognised
                else None,
                **signer,
            )
        RecordedOutcome.objects.create(
            decision=recorded, dossier=dossier, outcome=line.outcome, reasons=reasons
        )
    return recorded


@transaction.atomic
def past_decision_record(
    *,
    actor: User,
    decision: PastDecision,
    attachment: bytes | None = None,
    attachment_name: str = "",
    source: str = "",
) -> RecordedDecision:
    """Record one decision issued outside the application, with its communes and its file; refused
    whole (RecordRefused) on any problem, a decision already recorded included."""
    province = decision.unit if isinstance(decision.unit, Province) else decision.unit.province
    if not can_record(actor, province):
        raise PermissionDenied
    problems = record_problems(decision)
    if not problems and already_recorded(decision) is not None:
        problems = [(decision.line, _("This decision is already recorded."))]
    if problems:
        raise RecordRefused(problems)
    return _record(
        actor=actor, decision=decision, attachment=attachment, attachment_name=attachment_name, source=source
    )


@transaction.atomic
def past_decisions_import(
    *,
    actor: User,
    province: Province,
    decisions: list[PastDecision],
    attachments: dict[str, bytes] | None = None,
    source: str = "",
) -> ImportReport:
    """Record the decisions of an imported file, all or none: every problem of every line is reported
    (RecordRefused) before anything is written. A decision already recorded exactly so is left as it is
    (a second run of the same file changes nothing, and says so)."""
    if not can_record(actor, province):
        raise PermissionDenied
    attachments = attachments or {}
    problems: list[tuple[int, str]] = []
    report = ImportReport(lines=sum(len(d.lines) for d in decisions))
    for decision in decisions:
        problems.extend(record_problems(decision))
        if decision.attachment_name and decision.attachment_name not in attachments:
            problems.append(
                (
                    decision.line,
                    _("The file “%(name)s” was not given with the table.")
                    % {"name": decision.attachment_name},
                )
            )
    if problems:
        raise RecordRefused(sorted(problems))
    for decision in decisions:
        earlier = already_recorded(decision)
        if earlier is not None:
            report.unchanged.append(earlier)
            continue
        data = attachments.get(decision.attachment_name) if decision.attachment_name else None
        try:
            report.recorded.append(
                _record(
                    actor=actor,
                    decision=decision,
                    attachment=data,
                    attachment_name=decision.attachment_name,
                    source=source,
                )
            )
        except RecordRefused as error:  # a line that conflicts with one before it in the same file
            raise RecordRefused(
                [(line or decision.line, message) for line, message in error.problems]
            ) from error
    return report


__all__ = [
    "ImportReport",
    "OutcomeLine",
    "PastDecision",
    "RecordRefused",
    "already_recorded",
    "attachment_facts",
    "past_decision_record",
    "past_decisions_import",
    "record_problems",
]
