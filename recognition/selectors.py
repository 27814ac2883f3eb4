"""Read-side queries on recognition that documents and dashboards share."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from assessments import workflow
from assessments.models import Dossier
from communes.models import Commune, District

from .models import Document, LegalBasis

# A year's recognition stands even when its validity later ran out; a revoked one does not.


def recognition_summary(*, year: int, province) -> dict:
    """Per district of `province`: communes that existed in `year` and how many were recognised;
    border districts first."""
    communes = Commune.objects.valid_in_year(year).filter(province=province)
    recognised = Q(communes__dossiers__year=year, communes__dossiers__state__in=Dossier.RECOGNISED_STATES)
    in_year = Q(communes__in=communes)
    districts = (
        District.objects.filter(communes__in=communes)
        .distinct()
        .annotate(
            n_communes=Count("communes", filter=in_year, distinct=True),
            n_recognised=Count("communes", filter=in_year & recognised, distinct=True),
            n_border=Count("communes", filter=in_year & Q(communes__is_border=True), distinct=True),
            n_border_recognised=Count(
                "communes", filter=in_year & recognised & Q(communes__is_border=True), distinct=True
            ),
        )
        .order_by("-is_border", "code")
    )
    rows = [
        {
            "code": d.code,
            "name": d.name,
            "is_border": d.is_border,
            "communes": d.n_communes,
            "recognised": d.n_recognised,
            "border_communes": d.n_border,
            "border_recognised": d.n_border_recognised,
            "percent": round(100 * d.n_recognised / d.n_communes, 1) if d.n_communes else 0.0,
        }
        for d in districts
    ]
    return {
        "year": year,
        "districts": rows,
        "communes": sum(r["communes"] for r in rows),
        "recognised": sum(r["recognised"] for r in rows),
        "border_communes": sum(r["border_communes"] for r in rows),
        "border_recognised": sum(r["border_recognised"] for r in rows),
        "districts_complete": [r["name"] for r in rows if r["communes"] and r["recognised"] == r["communes"]],
    }


def legal_bases_for(*, procedure: str, document_kind: str, on: datetime.date) -> list[LegalBasis]:
    """The bases a document of `document_kind` in `procedure` cites on its date `on`: those in force that
    day, in the order of their role (competence, field law, the Government's, the province's), then by
    legal force, then oldest first: the same order in every kind."""
    bases = [
        basis
        for basis in LegalBasis.objects.all()
        if procedure in basis.procedures
        and document_kind in basis.document_kinds
        and basis.is_in_force_on(on)
    ]
    return sorted(bases, key=LegalBasis.order_key)


def summary_procedure(year: int) -> str:
    """The procedure a year's dossiers followed (the district one to 2024, the provincial one after)."""
    from assessments.models import CriteriaSet

    procedures = set(
        CriteriaSet.objects.filter(dossiers__year=year).values_list("procedure", flat=True).distinct()
    )
    if len(procedures) == 1:
        return procedures.pop()
    return "district" if year <= 2024 else "province"


def legal_basis_problems(bases: list[LegalBasis], *, on: datetime.date) -> list[str]:
    """Why these bases cannot be printed on a document dated `on`: each basis that lacks what its kind
    prints, or no law in force at all."""
    from django.utils.translation import gettext as _

    problems = [
        _("%(basis)s lacks %(what)s.") % {"basis": basis, "what": ", ".join(basis.missing())}
        for basis in bases
        if basis.missing()
    ]
    if not any(basis.kind == LegalBasis.Kind.LAW for basis in bases):
        problems.append(
            _("No law in force on %(day)s is recorded as a legal basis of this document.")
            % {"day": on.strftime("%d/%m/%Y")}
        )
    return problems


def year_decision_refusal(dossier) -> str:
    """Past the council's steps of a year: the year's decision with its annex has been issued (numbered)
    for the dossier's province. "" while none is."""
    from django.utils.translation import gettext as _

    from .models import CollectiveDecision

    issued = (
        CollectiveDecision.objects.filter(
            province=dossier.commune.province_id, evaluated_year=dossier.year, number__isnull=False
        )
        .order_by("decided_on")
        .first()
    )
    if issued is None:
        return ""
    return _(
        "The %(year)s decision %(number)s of %(day)s has been issued: the council's outcome for the year "
        "is final."
    ) % {"year": dossier.year, "number": issued.number_display, "day": issued.decided_on.strftime("%d/%m/%Y")}


def decision_standing(decision, *, today: datetime.date) -> tuple[str, str]:
    """A commune's recognition today (hiệu lực): ("in_force" | "revoked" | "lapsed", in words). Revoked
    by a numbered revocation; lapsed after its validity or once the next evaluation ended it."""
    from django.utils.translation import gettext as _

    dossier = decision.dossier
    # Only a revoked dossier's decision is looked up for its revocation (no query for the others).
    revoked = dossier.state == workflow.target_of("revoke")
    revocation = getattr(decision, "revocation", None) if revoked else None
    if revocation is not None and revocation.number is not None:
        return "revoked", _("Revoked by decision %(number)s of %(day)s") % {
            "number": revocation.number_display,
            "day": revocation.decided_on.strftime("%d/%m/%Y"),
        }
    if (decision.valid_until and decision.valid_until < today) or dossier.state == workflow.target_of(
        "expire"
    ):
        if decision.valid_until:
            return "lapsed", _(
                "No longer in force (replaced by the next evaluation or lapsed on %(day)s)"
            ) % {"day": decision.valid_until.strftime("%d/%m/%Y")}
        return "lapsed", _("No longer in force (replaced by the next evaluation)")
    return "in_force", _("In force")


def verification_facts(document, *, today: datetime.date | None = None) -> dict:
    """What the public verification page may show of an issued document, and its standing today: a
    commune's decision, each commune of a decision with an annex (and the decision in force while one
    of them still is), what a revocation revokes."""
    from django.utils import timezone
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from .documents import kinds
    from .models import Document, RecognitionDecision

    today = today or timezone.localdate()
    decision = document.decision
    dossier = decision.dossier if decision else None
    standing = _("In force")
    communes: list[dict] = []
    revokes: dict | None = None
    outcome = decision.get_outcome_display() if decision else ""
    if document.kind in (Document.Kind.RECOGNITION, Document.Kind.NOTIFICATION) and dossier is not None:
        standing = decision_standing(decision, today=today)[1]
    elif document.kind == Document.Kind.COLLECTIVE_DECISION and document.collective_id:
        annex = (
            RecognitionDecision.objects.filter(collective=document.collective_id)
            .select_related("dossier__commune", "revocation")
            .order_by("dossier__commune__name")
        )
        for each in annex:
            code, words = decision_standing(each, today=today)
            communes.append({"name": each.dossier.commune.name, "code": code, "standing": words})
        gone = sum(1 for c in communes if c["code"] != "in_force")
        if communes and gone < len(communes):
            standing = _("In force")
            if gone:
                standing += "; " + ngettext(
                    "%(n)d of its %(total)d communes is no longer recognised",
                    "%(n)d of its %(total)d communes are no longer recognised",
                    gone,
                ) % {"n": gone, "total": len(communes)}
        else:
            standing = _("No longer in force: none of its communes is still recognised")
        outcome = _("Recognised") if communes else ""
    elif document.kind == Document.Kind.REVOCATION and document.revocation_id:
        revoked = document.revocation.decision
        revokes = {
            "number": revoked.number_display,
            "date": revoked.decided_on,
            "commune": str(revoked.dossier.commune),
            "year": revoked.dossier.year,
        }
        outcome = _("Revocation of the recognition")
    if document.awaiting_signature:
        standing = _("Not issued yet: waiting for its digital signatures")
    # The document's own number, date and issuer, as its kind's entry says (the minutes their own, the
    # council's papers the council, the police's reports the police).
    identity = kinds.entry(document.kind).identity(document)
    return {
        "kind": document.get_kind_display(),
        "number": identity.number,
        "date": identity.day,
        "issuer": identity.issuer,
        "commune": str(dossier.commune) if dossier else revokes["commune"] if revokes else "",
        "year": document.year,
        "outcome": outcome,
        "standing": standing,
        "communes": communes,
        "revokes": revokes,
        "sha256": document.original_sha256,
        "code": document.verification_display,
        "electronic": bool(document.signature_stage),
        **{key: value for extra in VERIFICATION_EXTRAS for key, value in extra(document).items()},
    }


# What an app above adds to the verification page of a document (esign: its digital signatures).
VERIFICATION_EXTRAS: list = []


def recorded_verification_facts(recorded, *, today: datetime.date | None = None) -> dict:
    """What the public verification page shows of a decision issued outside the application and
    recorded: listed as recorded, never as issued by the application, with its attached file's SHA-256
    and each commune's standing today."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import RecognitionDecision

    today = today or timezone.localdate()
    communes = []
    # The communes' decisions read once (a recorded decision may name 130 communes).
    decisions = {
        d.dossier_id: d
        for d in RecognitionDecision.objects.filter(
            dossier__recorded_outcomes__decision=recorded
        ).select_related("dossier", "revocation")
    }
    for outcome in recorded.outcomes.select_related("dossier__commune").order_by("dossier__commune__name"):
        decision = decisions.get(outcome.dossier_id)
        words = outcome.get_outcome_display()
        if decision is not None and outcome.outcome == "recognised":
            words = decision_standing(decision, today=today)[1]
        communes.append(
            {
                "name": f"{outcome.dossier.commune.name} — {outcome.dossier.year}",
                "code": outcome.outcome,
                "standing": words,
            }
        )
    code = recorded.verification_code
    return {
        "kind": _("Decision issued outside the application (recorded)"),
        "number": recorded.number_display,
        "date": recorded.decided_on,
        "issuer": recorded.issuer_name,
        "commune": "",
        "outcome": "",
        "standing": _(
            "Recorded on %(day)s from the signed paper; the application did not issue it and holds no original of it."
        )
        % {"day": recorded.entered_at.strftime("%d/%m/%Y")},
        "communes": communes,
        "revokes": None,
        "sha256": recorded.attachment_sha256,
        "code": "-".join(code[i : i + 5] for i in range(0, len(code), 5)),
        "electronic": False,
        "recorded": True,
        "attachment_kind": recorded.get_attachment_kind_display(),
    }


# The units that sent no counts, beside the Article 4 types, in the report to the Ministry.
NOT_REPORTED = "not_reported"


def report_classes() -> list[tuple[str, str]]:
    """The classes of the report to the Ministry as (key of its figures, label), in its order: types I,
    II and III, not a key area (KeyAreaType's labels and order), and the units that sent no counts."""
    from django.utils.translation import gettext as _

    from assessments.classification import KeyAreaType

    return [(t.value or "none", str(t.label)) for t in KeyAreaType] + [
        (NOT_REPORTED, _("No counts reported"))
    ]


def ministry_report_figures(*, province, year: int) -> dict:
    """Báo cáo kết quả (Decision 28): the province's units at the end of `year`; those recognised and
    those the council recommended (as things stand today), against the year's target; the Article 4
    classification of every unit that reported, with the communes of each class; the year before."""
    import math

    from assessments.models import EvaluationCycle

    def units_of(y: int):
        return Commune.objects.valid_on(datetime.date(y, 12, 31)).filter(province=province)

    units = list(units_of(year).order_by("name"))
    dossiers = {
        d.commune_id: d for d in Dossier.objects.filter(year=year, commune__in=units).select_related("counts")
    }
    recognised = [
        u.name for u in units if u.pk in dossiers and dossiers[u.pk].state in Dossier.RECOGNISED_STATES
    ]
    recommended = [
        u.name for u in units if u.pk in dossiers and dossiers[u.pk].state in workflow.sources_of("leave_out")
    ]
    classes: dict[str, list[str]] = {key: [] for key, _label in report_classes()}
    for unit in units:
        counts = getattr(dossiers.get(unit.pk), "counts", None) if unit.pk in dossiers else None
        if counts is None or counts.population is None:
            classes[NOT_REPORTED].append(unit.name)
        else:
            classes[counts.classification or "none"].append(unit.name)
    cycle = EvaluationCycle.objects.filter(province=province, year=year).first()
    target_percent = float(cycle.target_percent) if cycle else None
    previous_units = units_of(year - 1).count()
    previous_recognised = Dossier.objects.filter(
        year=year - 1, commune__in=units_of(year - 1), state__in=Dossier.RECOGNISED_STATES
    ).count()
    total = len(units)
    # A commune recognised (or recommended) whose counts still compute a key area: a line of the report.
    achieved = set(recognised) | set(recommended)
    key_areas = [
        {"name": u.name, "type": dossiers[u.pk].counts.classification}
        for u in units
        if u.name in achieved
        and u.pk in dossiers
        and getattr(dossiers[u.pk], "counts", None) is not None
        and dossiers[u.pk].counts.population is not None
        and dossiers[u.pk].counts.classification
    ]
    return {
        "year": year,
        "units": total,
        "recognised": recognised,
        "recommended": recommended,
        "achieved_key_areas": key_areas,
        "achieved": len(recognised) + len(recommended),
        "percent": round(100 * (len(recognised) + len(recommended)) / total, 1) if total else 0.0,
        "target_percent": target_percent,
        "target_units": math.ceil(total * target_percent / 100) if target_percent is not None else None,
        "classes": classes,
        "previous": {
            "year": year - 1,
            "units": previous_units,
            "recognised": previous_recognised,
            "percent": round(100 * previous_recognised / previous_units, 1) if previous_units else 0.0,
        },
    }


def reports_of(*, province, year: int) -> list[Document]:
    """Báo cáo gửi Bộ Công an: the reports prepared for `year`, the latest first."""
    return list(
        Document.objects.filter(kind=Document.Kind.MINISTRY_REPORT, province=province, year=year).order_by(
            "-pk"
        )
    )


def work_for(user) -> list:
    """What waits for `user` outside the dossiers' steps (the inbox's "other work"): the decisions and
    revocations approved and waiting for the number of a register the user keeps (the council registers
    its sessions as a source of its own). No query for an
    official who keeps no register (their grants are already read for the page)."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from assessments.panels import Work
    from communes.permissions import unit_grants

    if not user.is_authenticated:
        return []
    held = {codename for _, codename in unit_grants(user)}
    work = []
    if "keep_register" in held and (waiting := awaiting_numbers(user)):
        label = ngettext(
            "%(count)s decision waiting for its number in the register",
            "%(count)s decisions waiting for their number in the register",
            len(waiting),
        ) % {"count": len(waiting)}
        work.append(Work(label=label, url=reverse("recognition:register"), count=len(waiting)))
    return work


# --- moved from services (reads), re-exported there for one release -------------------------------


def latest_issue_date(dossier: Dossier) -> datetime.date:
    """The latest day a document of the dossier may carry: today, or the last day its procedure's bodies
    issued documents (the district procedure: 30 June 2025)."""
    from django.utils import timezone

    until = workflow.procedure_of(dossier).documents_until
    return min(timezone.localdate(), until) if until else timezone.localdate()


def awaiting_numbers(user) -> list:
    """Decisions and revocations approved and waiting for the clerk's number, in the bodies `user` keeps
    the register of (oldest first)."""
    from communes.models import District, Province
    from communes.permissions import units_with_perm

    from .models import CollectiveDecision, RecognitionDecision, Revocation

    codes = [u.code for model in (District, Province) for u in units_with_perm(user, "keep_register", model)]
    decisions = RecognitionDecision.objects.filter(number__isnull=True, issuer_code__in=codes).select_related(
        "dossier__commune"
    )
    revocations = Revocation.objects.filter(number__isnull=True, issuer_code__in=codes).select_related(
        "decision__dossier__commune"
    )
    collectives = CollectiveDecision.objects.filter(
        number__isnull=True, issuer_code__in=codes
    ).select_related("province")
    # A commune of a decision with an annex is numbered with that decision, not on its own.
    alone = [d for d in decisions if d.collective_id is None]
    return sorted([*alone, *revocations, *collectives], key=lambda r: (r.approved_on or r.decided_on, r.pk))


def failed_documents(*, province) -> QuerySet[Document]:
    """The province's documents whose rendering failed (for the provincial police to prepare again)."""
    return (
        Document.objects.filter(status=Document.Status.FAILED)
        .filter(Q(dossier__commune__province=province) | Q(province=province))
        .select_related("dossier__commune")
        .order_by("requested_at", "pk")
    )


def dossiers_named_in(document: Document) -> QuerySet[Dossier]:
    """The dossiers a province-level document names, commune by commune, as its kind's entry says: the
    annex of a decision with an annex (its communes recognised), the council's notice (its communes not
    recommended). Other province-level documents (the minutes, the reports) name none."""
    from .documents import kinds

    names = kinds.entry(document.kind).names
    return names(document) if names is not None else Dossier.objects.none()


def recommended_dossiers(*, province, year: int):
    """The communes the council recommended for `year`, waiting for the chairman's decision."""
    return (
        Dossier.objects.filter(
            state__in=workflow.sources_of("leave_out"), year=year, commune__province=province
        )
        .select_related("commune", "criteria_set", "appraisal")
        .order_by("commune__name")
    )
