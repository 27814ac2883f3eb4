"""The police's papers on a dossier, rendered when the appraisal is completed (the step's effect
`prepare_appraisal_papers`): the district police's proposal (Tờ trình) to the district chair, and the
provincial police's appraisal report (Báo cáo thẩm định) to the review council under Decision 28. The
district's minutes (Biên bản) are `entries`'. The shared Tờ trình template also serves the standing body's
proposal after a council session (the council's kind)."""

from __future__ import annotations

from assessments import workflow
from assessments.models import Dossier, Finding
from communes.text import in_sentence

from ..models import Document
from . import layout
from .entries import QUEUE
from .kinds import DocumentKind, Identity, register


def _bases(dossier: Dossier, kind: str, day) -> list[str]:
    from ..selectors import legal_bases_for

    return [
        b.citation()
        for b in legal_bases_for(procedure=dossier.criteria_set.procedure, document_kind=kind, on=day)
    ]


def _result(dossier: Dossier, appraisal) -> str:
    """'Đạt 5/5 tiêu chí' from the findings on the criteria that apply."""
    findings = {f.criterion_id: f.result for f in appraisal.findings.all()}
    criteria = dossier.applicable_criteria()
    met = sum(1 for c in criteria if findings.get(c.pk) == Finding.Result.MET)
    return f"Đạt {met}/{len(criteria)} tiêu chí"


def _police_signature(document: Document, unit) -> dict:
    return layout.signature_of(document, layout.police_head_title(unit))


def proposal_context(document: Document) -> dict:
    """Tờ trình of the district police: the commune, the appraisal's result and what the police propose,
    resting on the minutes; to the chair who decides."""
    dossier = document.dossier
    appraisal = dossier.appraisal
    police = layout.police(dossier)
    unit = police["police_unit"]
    deciding = workflow.deciding_unit(dossier)
    recognise = appraisal.recommendation == appraisal.Recommendation.RECOGNISE
    minutes = f"Biên bản kiểm tra, thẩm định số\u00a0{appraisal.minutes_display} {layout.vn_date(appraisal.inspection_date)}"
    return {
        **police,
        "number": appraisal.proposal_display,
        "date_line": layout.date_line(unit.short_name, appraisal.proposal_date),
        "subject": layout.proposal_subject(dossier),
        "to": f"Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)}",
        "legal_bases": _bases(dossier, Document.Kind.PROPOSAL, appraisal.proposal_date),
        "grounds": f"Căn cứ kết quả kiểm tra, thẩm định tại {minutes}",
        "request": (
            f"Công an {in_sentence(unit.name)} kính trình Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)} "
            f"xem xét, {'công nhận' if recognise else 'không công nhận'} {layout.commune_label(dossier)} "
            f"đạt tiêu chí “{dossier.criteria_set.recognition_term}” năm {dossier.year}"
        ),
        "heading": ["TT", "Đơn vị cấp xã", "Kết quả thẩm định", "Đề nghị"],
        "rows": [
            [
                dossier.commune.name,
                _result(dossier, appraisal),
                "Công nhận" if recognise else "Không công nhận",
            ]
        ],
        "reasons": layout.sentence(appraisal.conclusion),
        "enclosed": "Biên bản kiểm tra, thẩm định và hồ sơ của xã",
        "closing": f"Kính trình Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)} xem xét, quyết định./.",
        "recipients": ["Như trên;", f"Ủy ban nhân dân {layout.commune_label(dossier)};", "Lưu: VT, hồ sơ."],
        **_police_signature(document, unit),
    }


def appraisal_report_context(document: Document) -> dict:
    """Báo cáo thẩm định of the provincial police on one commune (Decision 28): the counts as checked
    against the police's data, the inspection, the findings, the conclusion and the recommendation; to
    the review council, which the provincial police serve as its standing body."""
    from assessments.selectors import criterion_rows

    dossier = document.dossier
    appraisal = dossier.appraisal
    police = layout.police(dossier)
    unit = police["police_unit"]
    recognise = appraisal.recommendation == appraisal.Recommendation.RECOGNISE
    term = dossier.criteria_set.recognition_term
    return {
        **police,
        "dossier": dossier,
        "appraisal": appraisal,
        "commune_label": layout.commune_label(dossier),
        "term": term,
        "number": appraisal.minutes_display,
        "date_line": layout.date_line(unit.short_name, appraisal.inspection_date),
        "to": layout.council_name(dossier.commune.province, dossier.year),
        "reporter": f"Công an {in_sentence(unit.name)}",
        "legal_bases": _bases(dossier, Document.Kind.APPRAISAL_REPORT, appraisal.inspection_date),
        "counts": layout.key_counts(getattr(dossier, "counts", None)),
        "classification": dossier.counts.classification_display if hasattr(dossier, "counts") else "",
        "counts_checked_on": layout.vn_date(appraisal.counts_checked_on)
        if appraisal.counts_checked_on
        else "",
        "inspection_date": layout.vn_date(appraisal.inspection_date),
        "rows": criterion_rows(dossier=dossier),
        "result": _result(dossier, appraisal),
        "recommendation": (
            f"Công an {in_sentence(unit.name)} đề nghị Hội đồng xem xét, "
            f"{'đề nghị Chủ tịch Ủy ban nhân dân tỉnh công nhận' if recognise else 'không đề nghị công nhận'} "
            f"{layout.commune_label(dossier)} đạt tiêu chí “{term}” năm {dossier.year}./."
        ),
        "recipients": [
            "Như trên;",
            f"Ủy ban nhân dân {layout.commune_label(dossier)};",
            "Lưu: VT, PC04.",
        ],
        **_police_signature(document, unit),
    }


def _police_of(dossier: Dossier) -> str:
    return f"Công an {in_sentence(workflow.appraising_unit(dossier).name)}"


def _about(dossier: Dossier) -> str:
    return f"{layout.commune_label(dossier)}, năm {dossier.year}"


def proposal_identity(document: Document) -> Identity:
    """The Tờ trình's own number and date, issued by the appraising police command."""
    dossier = document.dossier
    appraisal = dossier.appraisal
    return Identity(
        appraisal.proposal_display if appraisal.proposal_number else "",
        appraisal.proposal_date,
        _police_of(dossier),
        _about(dossier),
    )


def appraisal_report_identity(document: Document) -> Identity:
    """The report's own number, dated the inspection, issued by the provincial police."""
    dossier = document.dossier
    appraisal = dossier.appraisal
    return Identity(
        appraisal.minutes_display if appraisal.minutes_number else "",
        appraisal.inspection_date,
        _police_of(dossier),
        _about(dossier),
    )


register(
    DocumentKind(
        kind=Document.Kind.PROPOSAL,
        template="recognition/pdf/proposal.html",
        context=proposal_context,
        download_label="Tờ trình",
        queue=QUEUE,
        series="proposal",
        signature_block=True,
        identity=proposal_identity,
    )
)
register(
    DocumentKind(
        kind=Document.Kind.APPRAISAL_REPORT,
        template="recognition/pdf/appraisal_report.html",
        context=appraisal_report_context,
        download_label="Báo cáo thẩm định",
        queue=QUEUE,
        series="report",
        signature_block=True,
        identity=appraisal_report_identity,
    )
)
