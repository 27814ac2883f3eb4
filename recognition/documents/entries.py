"""The kinds of document of decisions, revocations and the provincial police's reports: how each is
filled (its context builder), and its entry in the register of kinds (.kinds)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments import workflow
from assessments.models import Dossier, Finding
from communes.text import in_sentence

from ..models import Document, RecognitionDecision, Revocation
from . import layout
from .fonts import typeface
from .kinds import DocumentKind, Identity, register

# The worker queues: a commune's documents, and the yearly reports (a burst of them never delays a
# commune's decision).
QUEUE = "pdf"
BULK_QUEUE = "pdf-bulk"


def _bases_now(dossier: Dossier, document_kind: str, day: datetime.date) -> list[str]:
    """For a decision issued before the bases were kept with it: those in force on its date."""
    from ..selectors import legal_bases_for

    kinds = {"recognised": "recognition", "not_recognised": "non_recognition"}
    return [
        b.citation()
        for b in legal_bases_for(
            procedure=dossier.criteria_set.procedure,
            document_kind=kinds.get(document_kind, document_kind),
            on=day,
        )
    ]


def _decision_context(decision: RecognitionDecision) -> dict:
    dossier = decision.dossier
    criteria_set = dossier.criteria_set
    appraisal = getattr(dossier, "appraisal", None)
    not_met = []
    if appraisal is not None:
        findings = {f.criterion_id: f for f in appraisal.findings.all()}
        for position, criterion in enumerate(dossier.applicable_criteria(), start=1):
            finding = findings.get(criterion.pk)
            if finding is not None and finding.result == Finding.Result.NOT_MET:
                # Named by its number in the set and its text: never the internal code or a form's hint.
                not_met.append(
                    {
                        "number": position,
                        "text": layout.criterion_wording(criterion.text_vi),
                        "note": finding.note,
                    }
                )
    return {
        **layout.authority(dossier),
        "legal_bases": decision.legal_bases or _bases_now(dossier, decision.outcome, decision.decided_on),
        "decision": decision,
        # Its trích yếu, printed under its name and cited with it by the dispatch that sends it.
        "decision_subject": (
            f"{'công nhận' if decision.outcome == 'recognised' else 'không công nhận'} "
            f"{layout.commune_label(dossier)} đạt tiêu chí “{criteria_set.recognition_term}” năm\u00a0{dossier.year}"
        ),
        "decision_date": layout.vn_date(decision.decided_on),
        "reasons_sentence": layout.sentence(decision.reasons),
        "dossier": dossier,
        "commune_label": layout.commune_label(dossier),
        "district": dossier.commune.district,
        "term": criteria_set.recognition_term,
        "criteria_set": criteria_set,
        "number": layout.number_or_blank(decision),
        "date_line": layout.date_line(layout.authority(dossier)["place"], decision.decided_on),
        "appraisal": appraisal,
        "appraisal_date": layout.vn_date(appraisal.inspection_date)
        if appraisal and appraisal.inspection_date
        else "",
        "proposal_line": layout.proposal_line(dossier, appraisal),
        **layout.police(dossier),
        "not_met": not_met,
        **layout.signature_of(decision),
        "decision_recipients": layout.copies_of_decision(dossier),
        "dispatch_recipients": [
            "Như trên;",
            f"Công an {in_sentence(workflow.appraising_unit(dossier).name)};",
            "Lưu: VT.",
        ],
        "notification_subject": (
            f"thông báo kết quả xét công nhận {layout.commune_label(dossier)} đạt tiêu chí “{criteria_set.recognition_term}” "
            f"năm {dossier.year}"
        ),
    }


def _minutes_context(dossier: Dossier) -> dict:
    """Biên bản: numbered, timed, placed, every participant by name, agency and post, closing formula."""
    from assessments.selectors import criterion_rows

    appraisal = dossier.appraisal
    police = layout.police(dossier)
    members = list(appraisal.members.all())
    # Each participant's agency by its real name: "Công an thành phố Vinh", not "district police".
    own = {
        "district_police": f"Công an {in_sentence(police['police_unit'].name)}",
        "provincial_police": f"Công an {in_sentence(dossier.commune.province.name)}",
        "commune": f"Ủy ban nhân dân {layout.commune_label(dossier)}",
    }
    for member in members:
        # A body the application knows by name; otherwise the post says it ("Phó Giám đốc Trung tâm Y
        # tế huyện"): an agency's category ("Y tế") is never printed as a body.
        member.agency_name = member.body or own.get(member.agency, "")
    by_duty = {
        duty: [m for m in members if m.duty == duty] for duty in ("leader", "member", "secretary", "commune")
    }
    leader = (by_duty["leader"] or members or [None])[0]
    secretary = (by_duty["secretary"] or [None])[0]
    commune_rep = (by_duty["commune"] or [None])[0]
    deciding = workflow.deciding_unit(dossier)
    return {
        **police,
        "dossier": dossier,
        "commune_label": layout.commune_label(dossier),
        "appraisal": appraisal,
        "number": appraisal.minutes_display,
        "team": by_duty["leader"] + by_duty["member"],
        "secretaries": by_duty["secretary"],
        "commune_people": by_duty["commune"],
        "leader": leader,
        "secretary": secretary,
        "commune_rep": commune_rep,
        "rows": criterion_rows(dossier=dossier),
        "term": dossier.criteria_set.recognition_term,
        "date_line": layout.date_line(police["police_unit"].short_name, appraisal.inspection_date),
        "inspection_date": layout.vn_date(appraisal.inspection_date),
        "started": layout.clock(appraisal.started_at),
        "ended": layout.clock(appraisal.ended_at),
        "deciding_chair": f"Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)}",
        "minutes_recipients": [
            f"Ủy ban nhân dân {layout.commune_label(dossier)};",
            f"Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)} (kèm Tờ trình);",
            "Lưu: VT, hồ sơ.",
        ],
    }


def _collective_context(document: Document) -> dict:
    """The chairman's decision recognising the council's recommended communes, with its annex."""
    collective = document.collective
    province = collective.province
    decisions = list(
        collective.decisions.select_related("dossier__commune", "dossier__counts", "dossier__criteria_set")
        .prefetch_related("dossier__commune__predecessors")
        .order_by("dossier__commune__name")
    )
    first = decisions[0].dossier
    term = first.criteria_set.recognition_term
    rows = [
        {
            "name": d.dossier.commune.name,
            "former": ", ".join(p.name for p in d.dossier.commune.predecessors.all()),
        }
        for d in decisions
    ]

    def cited(g: dict) -> str:
        text = f"{g['title']} số\u00a0{g['number']} {layout.vn_date(datetime.date.fromisoformat(g['date']))}"
        return f"{text} về việc {g['subject']}" if g.get("subject") else text

    proposals = [cited(g) for g in collective.grounds if g.get("proposal")]
    grounds = [cited(g) for g in collective.grounds if not g.get("proposal")]
    number = layout.number_or_blank(collective)
    return {
        **layout.authority(first),
        "collective": collective,
        "legal_bases": collective.legal_bases,
        "number": number,
        "date_line": layout.date_line(province.short_name, collective.decided_on),
        "decision_date": layout.vn_date(collective.decided_on)
        if collective.number
        else "ngày\u00a0\u00a0\u00a0\u00a0tháng\u00a0\u00a0\u00a0\u00a0năm",
        "year": collective.evaluated_year,
        "term": term,
        "count": len(rows),
        "rows": rows,
        # "Xét đề nghị của Giám đốc Công an tỉnh tại Tờ trình số … về việc … và Biên bản họp Hội đồng …".
        "proposal_line": f"Xét đề nghị của {layout.police(first)['police_head']}"
        + (f" tại {'; '.join(proposals)}" if proposals else "")
        + (f" và {'; '.join(grounds)}" if grounds else "")
        + ".",
        "valid_until": first.criteria_set.recognition_valid_until(collective.evaluated_year),
        **layout.signature_of(collective),
        "decision_recipients": layout.copies_of_decision(first)[:-1]
        + ["Ủy ban nhân dân các xã, phường có tên tại Điều 1;", layout.copies_of_decision(first)[-1]],
    }


def decision_context(document: Document) -> dict:
    """A commune's decision (công nhận / không công nhận)."""
    return _decision_context(document.decision)


def notification_context(document: Document) -> dict:
    """The dispatch telling the commune its decision, sent with it."""
    context = _decision_context(document.decision)
    context["dispatch_number"] = layout.number_or_blank(document)
    # Sent with the decision, on the day it is signed.
    context["date_line"] = layout.date_line(context["place"], document.decision.decided_on)
    return context


def appraisal_minutes_context(document: Document) -> dict:
    return _minutes_context(document.dossier)


def revocation_context(document: Document) -> dict:
    revocation: Revocation = document.revocation
    context = _decision_context(revocation.decision)
    context.update(
        {
            **layout.signature_of(revocation),
            "revocation": revocation,
            "revocation_reason_sentence": layout.sentence(revocation.reason),
            "incident_sentence": layout.sentence(revocation.incident_description),
            "legal_bases": revocation.legal_bases
            or _bases_now(revocation.decision.dossier, "revocation", revocation.decided_on),
            "number": layout.number_or_blank(revocation),
            "date_line": layout.date_line(context["place"], revocation.decided_on),
            "recognition_number": revocation.decision.number_display,
            "recognition_date": layout.vn_date(revocation.decision.decided_on),
            "incident_date": layout.vn_date(revocation.incident_date),
        }
    )
    return context


def ministry_report_context(document: Document) -> dict:
    from ..selectors import report_classes

    figures = document.figures
    return {
        "province": document.province,
        "year": document.year,
        "figures": figures,
        "classes": [(label, figures["classes"].get(key, [])) for key, label in report_classes()],
        "dispatch_number": layout.number_or_blank(document),
        "date_line": layout.date_line(document.province.short_name, document.issued_on),
        "upper_police": "BỘ CÔNG AN",
        **layout.signature_of(document, layout.police_head_title(document.province)),
    }


def provincial_summary_context(document: Document) -> dict:
    from ..selectors import legal_bases_for, recognition_summary, summary_procedure

    summary = recognition_summary(year=document.year, province=document.province)
    issued_on = document.issued_on or timezone.localtime(document.requested_at).date()
    bases = legal_bases_for(
        procedure=summary_procedure(document.year), document_kind="provincial_summary", on=issued_on
    )
    return {
        "carrying_out": "; ".join(b.citation() for b in bases),
        "year": document.year,
        "province": document.province,
        "summary": summary,
        "chart_svg": summary_chart_svg(summary),
        "date_line": layout.date_line(document.province.short_name, issued_on),
        "dispatch_number": layout.number_or_blank(document),
        **layout.signature_of(document, layout.police_head_title(document.province)),
    }


def summary_chart_svg(summary: dict) -> str:
    """A horizontal bar chart of recognised communes per district, drawn as SVG (no JavaScript)."""
    rows = summary["districts"]
    bar_height, gap, label_width, width = 14, 6, 170, 460
    height = len(rows) * (bar_height + gap) + 10
    parts = [
        # Sized by its viewBox only: the page's CSS fits it to the text width (never past the margins).
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width + label_width + 60} {height}" font-family="{escape(typeface().family)}" font-size="10">'
    ]
    for i, row in enumerate(rows):
        y = 5 + i * (bar_height + gap)
        total = max(row["communes"], 1)
        done = int(width * row["recognised"] / total)
        parts.append(f'<text x="0" y="{y + 11}">{escape(row["name"])}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar_height}" fill="#e6e6e6"/>'
        )
        parts.append(f'<rect x="{label_width}" y="{y}" width="{done}" height="{bar_height}" fill="#333333"/>')
        parts.append(
            f'<text x="{label_width + width + 5}" y="{y + 11}">'
            f"{escape(row['recognised'])}/{escape(row['communes'])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value placed above is escaped


# --- what each kind is (its identity on /verify/ and in the PDF's properties) ----------------------


def _about_dossier(dossier: Dossier) -> str:
    return f"{layout.commune_label(dossier)}, năm {dossier.year}"


def _dossier_of(document: Document, decision) -> Dossier:
    """A dossier's document carries its dossier (already loaded by the pages that list them)."""
    return document.dossier if document.dossier_id else decision.dossier


def _about_province(document: Document) -> str:
    return f"{document.province.name}, năm {document.year}"


def _police_of(unit) -> str:
    return f"Công an {in_sentence(unit.name)}"


def decision_identity(document: Document) -> Identity:
    decision = document.decision
    return Identity(
        decision.number_display,
        decision.decided_on,
        decision.issuer_name,
        _about_dossier(_dossier_of(document, decision)),
    )


def notification_identity(document: Document) -> Identity:
    """The dispatch's own number, on the day of the decision it is sent with."""
    decision = document.decision
    return Identity(
        document.number_display,
        decision.decided_on,
        decision.issuer_name,
        _about_dossier(_dossier_of(document, decision)),
    )


def appraisal_minutes_identity(document: Document) -> Identity:
    """The police's minutes: their own number and inspection day, issued by the appraising command."""
    dossier = document.dossier
    appraisal = dossier.appraisal
    return Identity(
        appraisal.minutes_display if appraisal.minutes_number else "",
        appraisal.inspection_date,
        _police_of(workflow.appraising_unit(dossier)),
        _about_dossier(dossier),
    )


def revocation_identity(document: Document) -> Identity:
    revocation = document.revocation
    return Identity(
        revocation.number_display,
        revocation.decided_on,
        revocation.issuer_name,
        _about_dossier(_dossier_of(document, revocation.decision)),
    )


def collective_identity(document: Document) -> Identity:
    collective = document.collective
    return Identity(
        collective.number_display if collective.number else "",
        collective.decided_on,
        collective.issuer_name,
        _about_province(document),
    )


def police_report_identity(document: Document) -> Identity:
    """A dispatch or report of the provincial police: its number, its date, the command that signs it."""
    day = document.issued_on or timezone.localtime(document.requested_at).date()
    return Identity(document.number_display, day, _police_of(document.province), _about_province(document))


def _annex_names(document: Document):
    return Dossier.objects.filter(recognition_decision__collective=document.collective_id)


def _annex_naming(dossier: Dossier) -> Q:
    return Q(collective__decisions__dossier=dossier)


ENTRIES = [
    DocumentKind(
        kind=Document.Kind.RECOGNITION,
        template="recognition/pdf/recognition.html",
        context=decision_context,
        download_label="Quyết định công nhận",
        queue=QUEUE,
        series="decision",
        signature_block=True,
        identity=decision_identity,
    ),
    DocumentKind(
        kind=Document.Kind.NON_RECOGNITION,
        template="recognition/pdf/non_recognition.html",
        context=decision_context,
        download_label="Quyết định không công nhận",
        queue=QUEUE,
        series="decision",
        signature_block=True,
        identity=decision_identity,
    ),
    DocumentKind(
        kind=Document.Kind.NOTIFICATION,
        template="recognition/pdf/notification.html",
        context=notification_context,
        download_label="Công văn thông báo",
        queue=QUEUE,
        series="dispatch",
        signature_block=True,
        identity=notification_identity,
        # A dispatch of the People's Committee as a body: "TM. ỦY BAN NHÂN DÂN" above the chair's lines.
        signs_for="ỦY BAN NHÂN DÂN",
    ),
    DocumentKind(
        kind=Document.Kind.APPRAISAL_MINUTES,
        template="recognition/pdf/appraisal_minutes.html",
        context=appraisal_minutes_context,
        download_label="Biên bản thẩm định",
        queue=QUEUE,
        series="minutes",
        signature_block=False,
        identity=appraisal_minutes_identity,
    ),
    DocumentKind(
        kind=Document.Kind.REVOCATION,
        template="recognition/pdf/revocation.html",
        context=revocation_context,
        download_label="Quyết định thu hồi",
        queue=QUEUE,
        series="decision",
        signature_block=True,
        identity=revocation_identity,
    ),
    DocumentKind(
        kind=Document.Kind.PROVINCIAL_SUMMARY,
        template="recognition/pdf/provincial_summary.html",
        context=provincial_summary_context,
        download_label="Công văn báo cáo kết quả",
        queue=BULK_QUEUE,
        series="dispatch",
        signature_block=False,
        identity=police_report_identity,
    ),
    DocumentKind(
        kind=Document.Kind.COLLECTIVE_DECISION,
        template="recognition/pdf/collective_decision.html",
        context=_collective_context,
        download_label="Quyết định công nhận",
        queue=QUEUE,
        series="decision",
        signature_block=True,
        identity=collective_identity,
        names=_annex_names,
        naming=_annex_naming,
    ),
    DocumentKind(
        kind=Document.Kind.MINISTRY_REPORT,
        template="recognition/pdf/ministry_report.html",
        context=ministry_report_context,
        download_label="Báo cáo Bộ Công an",
        queue=QUEUE,
        series="report",
        signature_block=False,
        identity=police_report_identity,
    ),
]

for _entry in ENTRIES:
    register(_entry)
