"""Rendering official documents to PDF (WeasyPrint), in the layout of Decree 30/2020/NĐ-CP.

Pure functions: build the context of a document from the database, render the Vietnamese HTML
template, and turn it into PDF bytes. The fonts ship with the project (recognition/fonts).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments import workflow
from assessments.models import Dossier, Finding
from communes.text import in_sentence

from .models import Document, RecognitionDecision, Revocation

FONT_DIR = Path(__file__).resolve().parent / "fonts"


class RenderError(Exception):
    """The document could not be rendered (bad data, missing font, WeasyPrint failure)."""


def date_line(place: str, day: datetime.date) -> str:
    """'Kỳ Sơn, ngày 05 tháng 10 năm 2022': leading zero for days 1-9 and months 1-2 only."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_date(day: datetime.date) -> str:
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def issuer_lines(unit_name: str) -> tuple[str, str]:
    """('ỦY BAN NHÂN DÂN', 'HUYỆN KỲ SƠN') from 'Huyện Kỳ Sơn'."""
    return "ỦY BAN NHÂN DÂN", unit_name.upper()


def commune_label(dossier: Dossier) -> str:
    """'xã Mỹ Lý' as it reads inside a sentence."""
    return in_sentence(dossier.commune.name)


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_nfc(v) for v in value)
    return value


def _authority(dossier: Dossier) -> dict:
    """Who issues: the district People's Committee, or the province from 2025 (Decision 28/2025)."""
    unit = workflow.deciding_unit(dossier)
    upper, lower = issuer_lines(unit.name)
    return {
        "issuer_upper": upper,
        "issuer_lower": lower,
        "place": unit.short_name,
        "authority_line": f"CHỦ TỊCH ỦY BAN NHÂN DÂN {unit.name.upper()}",
        "unit_name": unit.name,
        "executing_office": workflow.procedure_of(dossier).executing_office.format(
            unit=in_sentence(unit.name)
        ),
    }


def _bases_now(dossier: Dossier, document_kind: str, day: datetime.date) -> list[str]:
    """For a decision issued before the bases were kept with it: those in force on its date."""
    from .selectors import legal_bases_for

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
                    {"number": position, "text": criterion_wording(criterion.text_vi), "note": finding.note}
                )
    return {
        **_authority(dossier),
        "legal_bases": decision.legal_bases or _bases_now(dossier, decision.outcome, decision.decided_on),
        "decision": decision,
        "reasons_sentence": sentence(decision.reasons),
        "dossier": dossier,
        "commune_label": commune_label(dossier),
        "district": dossier.commune.district,
        "term": criteria_set.recognition_term,
        "criteria_set": criteria_set,
        "number": _number(decision),
        "date_line": date_line(_authority(dossier)["place"], decision.decided_on),
        "appraisal": appraisal,
        "appraisal_date": vn_date(appraisal.inspection_date)
        if appraisal and appraisal.inspection_date
        else "",
        "proposal_line": proposal_line(dossier, appraisal),
        **_police(dossier),
        "not_met": not_met,
        **_signature(decision.signer_title, decision.signer_name),
        "decision_recipients": copies_of_decision(dossier),
        "dispatch_recipients": [
            "Như trên;",
            f"Công an {in_sentence(workflow.appraising_unit(dossier).name)};",
            "Lưu: VT.",
        ],
        "notification_subject": (
            f"thông báo kết quả xét công nhận {commune_label(dossier)} đạt tiêu chí “{criteria_set.recognition_term}” "
            f"năm {dossier.year}"
        ),
    }


def copies_of_decision(dossier: Dossier) -> list[str]:
    """Nơi nhận: the procedure's list, with the Party committee of the deciding unit's kind (Thành ủy of
    a city, Thị ủy of a town, Huyện ủy of a rural district; Tỉnh ủy for the province)."""
    unit = workflow.deciding_unit(dossier)
    party = getattr(unit, "party_committee", "Tỉnh ủy")
    return [line.format(party_committee=party) for line in workflow.procedure_of(dossier).copies_of_decision]


def _signature(title: str, name: str, head: str = "CHỦ TỊCH") -> dict:
    """The signature block from the signer's post: the head signs with the head's title ("CHỦ TỊCH",
    "GIÁM ĐỐC", "TRƯỞNG CÔNG AN"); a deputy signs on the head's behalf, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    (Decree 30, Appendix I II.7.b: never "TM." over the chair's individual decision)."""
    if title.strip().lower().startswith("phó"):
        return {"signer_lines": [f"KT. {head}", f"PHÓ {head}"], "signer_name": name}
    return {"signer_lines": [head], "signer_name": name}


def signature_lines(title: str, head: str) -> list[str]:
    """The lines the signature block prints above the name for a signer of `title`."""
    return _signature(title, "", head)["signer_lines"]


def printed_title(title: str, head: str) -> str:
    """The title a signer of post `title` signs with, in the form's words: the head's ("Giám đốc"), or
    a deputy's ("Phó Giám đốc"); never the post's unit ("Phòng PC04, Công an tỉnh")."""
    words = head.capitalize()
    return (
        f"Phó {words[0].upper()}{words[1:]}" if signature_lines(title, head)[0].startswith("KT.") else words
    )


def police_head_title(unit) -> str:
    """The head of a police command as a signature block names it: a province's is its director."""
    return "GIÁM ĐỐC" if unit._meta.model_name == "province" else "TRƯỞNG CÔNG AN"


# A draft (DỰ THẢO) leaves the number blank for the clerk: "Số:      /QĐ-UBND".
DRAFT_NUMBER_SPACE = "\u00a0" * 8


def _number(record) -> str:
    return f"{DRAFT_NUMBER_SPACE}/{record.symbol}" if record.number is None else record.number_display


def _police(dossier: Dossier) -> dict:
    """The appraising police command: its name, the body above it (regular) and its head's title."""
    unit = workflow.appraising_unit(dossier)
    province = unit._meta.model_name == "province"
    superior = "BỘ CÔNG AN" if province else f"CÔNG AN {unit.province.name.upper()}"
    return {
        "police_unit": unit,
        "police_upper": superior,
        "police_lower": f"CÔNG AN {unit.name.upper()}",
        "police_head": f"{'Giám đốc' if province else 'Trưởng'} Công an {in_sentence(unit.name)}",
    }


def proposal_line(dossier: Dossier, appraisal) -> str:
    """ "Xét đề nghị của Trưởng Công an huyện Kỳ Sơn tại Tờ trình số 03/TTr-CAH ngày ... và Biên bản kiểm
    tra, thẩm định số 03/BB-CAH ngày ...": the police's proposal cited by its own number and date."""
    text = f"Xét đề nghị của {_police(dossier)['police_head']}"
    if appraisal is not None and appraisal.proposal_number and appraisal.proposal_date:
        text += f" tại Tờ trình số\u00a0{appraisal.proposal_display} {vn_date(appraisal.proposal_date)}"
    if appraisal is not None and appraisal.inspection_date:
        number = f" số\u00a0{appraisal.minutes_display}" if appraisal.minutes_number else ""
        text += f" và Biên bản kiểm tra, thẩm định{number} {vn_date(appraisal.inspection_date)}"
    return text + "."


def _clock(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else ""


def _minutes_context(dossier: Dossier) -> dict:
    """Biên bản: numbered, timed, placed, every participant by name, agency and post, closing formula."""
    from assessments.selectors import criterion_rows

    appraisal = dossier.appraisal
    police = _police(dossier)
    members = list(appraisal.members.all())
    # Each participant's agency by its real name: "Công an thành phố Vinh", not "district police".
    own = {
        "district_police": f"Công an {in_sentence(police['police_unit'].name)}",
        "provincial_police": f"Công an {in_sentence(dossier.commune.province.name)}",
        "commune": f"Ủy ban nhân dân {commune_label(dossier)}",
    }
    for member in members:
        member.agency_name = own.get(member.agency) or member.get_agency_display()
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
        "commune_label": commune_label(dossier),
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
        "date_line": date_line(police["police_unit"].short_name, appraisal.inspection_date),
        "inspection_date": vn_date(appraisal.inspection_date),
        "started": _clock(appraisal.started_at),
        "ended": _clock(appraisal.ended_at),
        "deciding_chair": f"Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)}",
        "minutes_recipients": [
            f"Ủy ban nhân dân {commune_label(dossier)};",
            f"Chủ tịch Ủy ban nhân dân {in_sentence(deciding.name)} (kèm Tờ trình);",
            "Lưu: hồ sơ, VT.",
        ],
    }


def _council_minutes_context(document: Document) -> dict:
    """Biên bản họp Hội đồng xét duyệt: time, place, members present and absent, each commune with its
    former units, classification and votes, the conclusion; signed by the council's chair and secretary."""
    session = document.session
    council = session.council
    province = council.province
    members = list(council.members.select_related("user"))
    present = set(session.attendance.filter(present=True).values_list("member_id", flat=True))
    items = list(
        session.items.select_related("dossier__commune", "dossier__counts", "dossier__criteria_set")
        .prefetch_related("dossier__commune__predecessors")
        .order_by("dossier__commune__name")
    )
    chair = next((m for m in members if m.seat == "chair"), None)
    secretary = next((m for m in members if m.seat == "secretary"), None)
    term = items[0].dossier.criteria_set.recognition_term if items else ""
    return {
        # The superior body on one line, abbreviated as Decree 30 allows ("UBND TỈNH NGHỆ AN").
        "superior": f"UBND {province.name.upper()}",
        "number": _number(document),
        "date_line": date_line(province.short_name, session.held_on),
        "session": session,
        "year": council.year,
        "term": term,
        "started": _clock(session.starts_at),
        "ended": _clock(session.ends_at),
        "held_on": vn_date(session.held_on),
        # The voting members present and absent; the secretary who does not vote keeps and signs the
        # minutes, and is named on a line apart (always present: the minutes are theirs).
        "present": [m for m in members if m.votes and m.pk in present],
        "absent": [m for m in members if m.votes and m.pk not in present],
        "keeper": secretary if secretary is not None and not secretary.votes else None,
        "items": [
            {
                "item": item,
                "name": item.dossier.commune.name,
                "former": ", ".join(p.name for p in item.dossier.commune.predecessors.all()),
                "classification": item.dossier.counts.classification_display
                if hasattr(item.dossier, "counts")
                else "",
                "counts": _key_counts(getattr(item.dossier, "counts", None)),
            }
            for item in items
        ],
        "recommended": [item for item in items if item.outcome == "recommended"],
        "not_recommended": [item for item in items if item.outcome == "not_recommended"],
        "chair": chair,
        "secretary": secretary,
        # The notice is signed for the council by its chair.
        "signer_lines": ["TM. HỘI ĐỒNG", "CHỦ TỊCH"],
        "signer_name": chair.user.get_full_name() if chair else "",
        "notice_recipients": [
            "Như trên;",
            f"Chủ tịch Ủy ban nhân dân {in_sentence(province.name)};",
            "Lưu: VT, Cơ quan thường trực Hội đồng.",
        ],
        "recipients": [
            f"Chủ tịch Ủy ban nhân dân {in_sentence(province.name)};",
            "Các thành viên Hội đồng;",
            "Lưu: VT, Cơ quan thường trực Hội đồng.",
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
            "classification": d.dossier.counts.classification_display if hasattr(d.dossier, "counts") else "",
        }
        for d in decisions
    ]
    grounds = [
        f"Biên bản họp Hội đồng xét duyệt số\u00a0{g['number']} {vn_date(datetime.date.fromisoformat(g['date']))}"
        for g in collective.grounds
    ]
    number = _number(collective)
    return {
        **_authority(first),
        "collective": collective,
        "legal_bases": collective.legal_bases,
        "number": number,
        "date_line": date_line(province.short_name, collective.decided_on),
        "decision_date": vn_date(collective.decided_on)
        if collective.number
        else "ngày\u00a0\u00a0\u00a0\u00a0tháng\u00a0\u00a0\u00a0\u00a0năm",
        "year": collective.evaluated_year,
        "term": term,
        "count": len(rows),
        "rows": rows,
        "proposal_line": f"Xét đề nghị của {_police(first)['police_head']}"
        + (f" và {'; '.join(grounds)}" if grounds else "")
        + ".",
        "valid_until": default_valid_until_of(
            year=collective.evaluated_year, criteria_set=first.criteria_set
        ),
        **_signature(collective.signer_title, collective.signer_name),
        "decision_recipients": copies_of_decision(first)[:-1]
        + ["Ủy ban nhân dân các xã, phường có tên tại Điều 1;", copies_of_decision(first)[-1]],
    }


def default_valid_until_of(*, year: int, criteria_set) -> datetime.date:
    from .services import default_valid_until

    return default_valid_until(year=year, criteria_set=criteria_set)


def _key_counts(counts) -> str:
    """The counts the council weighs, in one cell: people with management records (not exempt), places,
    offenders arrested, drug plants."""
    if counts is None or counts.population is None:
        return ""
    return (
        f"Dân số {counts.population}; người có hồ sơ quản lý {counts.users_with_records} "
        f"(không thuộc diện loại trừ {counts.users_not_exempt}); điểm, tụ điểm {counts.harbouring_places}; "
        f"bắt giữ {counts.offenders_arrested}; cây có chất ma túy {counts.drug_plants}"
    )


def build_context(document: Document) -> dict:
    kind = document.kind
    if kind in (Document.Kind.RECOGNITION, Document.Kind.NON_RECOGNITION, Document.Kind.NOTIFICATION):
        context = _decision_context(document.decision)
        if kind == Document.Kind.NOTIFICATION:
            # A dispatch of the People's Committee as a body: "TM. ỦY BAN NHÂN DÂN" above the chair's
            # lines ("CHỦ TỊCH", or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a vice-chair).
            context["signer_lines"] = ["TM. ỦY BAN NHÂN DÂN", *context["signer_lines"]]
            context["dispatch_number"] = _number(document)
            # Sent with the decision, on the day it is signed.
            context["date_line"] = date_line(context["place"], document.decision.decided_on)
        return context
    if kind == Document.Kind.APPRAISAL_MINUTES:
        return _minutes_context(document.dossier)
    if kind == Document.Kind.REVOCATION:
        revocation: Revocation = document.revocation
        context = _decision_context(revocation.decision)
        context.update(
            {
                **_signature(revocation.signer_title, revocation.signer_name),
                "revocation": revocation,
                "revocation_reason_sentence": sentence(revocation.reason),
                "incident_sentence": sentence(revocation.incident_description),
                "legal_bases": revocation.legal_bases
                or _bases_now(revocation.decision.dossier, "revocation", revocation.decided_on),
                "number": _number(revocation),
                "date_line": date_line(context["place"], revocation.decided_on),
                "recognition_number": revocation.decision.number_display,
                "recognition_date": vn_date(revocation.decision.decided_on),
                "incident_date": vn_date(revocation.incident_date),
            }
        )
        return context
    if kind in (Document.Kind.COUNCIL_MINUTES, Document.Kind.COUNCIL_NOTICE):
        return _council_minutes_context(document)
    if kind == Document.Kind.COLLECTIVE_DECISION:
        return _collective_context(document)
    if kind == Document.Kind.MINISTRY_REPORT:
        from .services import CLASS_LABELS

        figures = document.figures
        return {
            "province": document.province,
            "year": document.year,
            "figures": figures,
            "classes": [(label, figures["classes"].get(key, [])) for key, label in CLASS_LABELS.items()],
            "dispatch_number": _number(document),
            "date_line": date_line(document.province.short_name, document.issued_on),
            "upper_police": "BỘ CÔNG AN",
            **_signature(document.signer_title, document.signer_name, police_head_title(document.province)),
        }
    if kind == Document.Kind.PROVINCIAL_SUMMARY:
        from .selectors import recognition_summary

        summary = recognition_summary(year=document.year, province=document.province)
        issued_on = document.issued_on or timezone.localtime(document.requested_at).date()
        from .selectors import legal_bases_for, summary_procedure

        bases = legal_bases_for(
            procedure=summary_procedure(document.year), document_kind="provincial_summary", on=issued_on
        )
        return {
            "carrying_out": "; ".join(b.citation() for b in bases),
            "year": document.year,
            "province": document.province,
            "summary": summary,
            "chart_svg": summary_chart_svg(summary),
            "date_line": date_line(document.province.short_name, issued_on),
            "dispatch_number": _number(document),
            **_signature(document.signer_title, document.signer_name, police_head_title(document.province)),
        }
    raise RenderError(f"unknown document kind {kind!r}")


TEMPLATES = {
    Document.Kind.RECOGNITION: "recognition/pdf/recognition.html",
    Document.Kind.NON_RECOGNITION: "recognition/pdf/non_recognition.html",
    Document.Kind.NOTIFICATION: "recognition/pdf/notification.html",
    Document.Kind.APPRAISAL_MINUTES: "recognition/pdf/appraisal_minutes.html",
    Document.Kind.REVOCATION: "recognition/pdf/revocation.html",
    Document.Kind.PROVINCIAL_SUMMARY: "recognition/pdf/provincial_summary.html",
    Document.Kind.COUNCIL_MINUTES: "recognition/pdf/council_minutes.html",
    Document.Kind.COUNCIL_NOTICE: "recognition/pdf/council_notice.html",
    Document.Kind.COLLECTIVE_DECISION: "recognition/pdf/collective_decision.html",
    Document.Kind.MINISTRY_REPORT: "recognition/pdf/ministry_report.html",
}


_FORM_HINT = re.compile(
    r"\s*(\((?:số|đơn vị|tỷ lệ|diện tích)[^()]*\)|[–-]\s*(?:số|tỷ lệ|diện tích)\b[^()]*)$"
)


def criterion_wording(text: str) -> str:
    """A criterion's text as a decision quotes it: without the hint the form shows after it ("(số điểm
    còn tồn tại)", "– số người")."""
    return _FORM_HINT.sub("", (text or "").strip()).rstrip(" ;,.")


def sentence(text: str) -> str:
    """A typed reason as one sentence: exactly one closing full stop, never "..": a document carries no
    doubled punctuation."""
    text = (text or "").strip()
    while text.endswith((".", ";", ",")):
        text = text[:-1].rstrip()
    return f"{text}." if text else ""


def _metadata(document: Document, context: dict) -> dict:
    """The PDF's Author (the issuing body), Subject (commune and year) and Keywords: each file names
    itself in a records system, not only "Quyết định 01/QĐ-UBND"."""
    dossier = document.dossier
    if dossier is not None:
        subject = f"{context.get('commune_label') or commune_label(dossier)}, năm {dossier.year}"
        author = context.get("unit_name") and f"Ủy ban nhân dân {in_sentence(context['unit_name'])}"
        if document.kind == Document.Kind.APPRAISAL_MINUTES:
            author = f"Công an {in_sentence(workflow.appraising_unit(dossier).name)}"
        keywords = f"{dossier.criteria_set.recognition_term}; {dossier.commune.code}; {dossier.year}"
    else:
        subject = (
            f"{document.province.name}, năm {document.year}" if document.province_id else str(document.year)
        )
        author = f"Công an {in_sentence(document.province.name)}" if document.province_id else ""
        if document.collective_id:
            author = document.collective.issuer_name
        elif document.session_id:
            author = f"Hội đồng xét duyệt {in_sentence(document.province.name)}"
        keywords = f"tổng hợp; {document.year}"
    return {"pdf_subject": subject, "pdf_author": author or "", "pdf_keywords": keywords}


SIGNED_WITH_BLOCK = {
    Document.Kind.COUNCIL_NOTICE,
    Document.Kind.COLLECTIVE_DECISION,
    Document.Kind.RECOGNITION,
    Document.Kind.NON_RECOGNITION,
    Document.Kind.NOTIFICATION,
    Document.Kind.REVOCATION,
}


def _verification(document: Document) -> dict:
    """The code and QR code anyone can check the document with (/verify/<code>/, no sign-in)."""
    if not document.verification_code:
        return {}
    import segno
    from django.conf import settings
    from django.urls import reverse

    url = settings.SITE_URL.rstrip("/") + reverse("verify", args=[document.verification_code])
    # Vector graphics, drawn by segno: sharp at any print size.
    qr = segno.make(url, error="m").svg_inline(scale=1, omitsize=True)
    return {
        "verify_url": url,
        "verify_code": document.verification_display,
        "verify_qr": mark_safe(qr),  # noqa: S308 - segno's own SVG of our own URL
        # Kept with the signature block (never alone on a page) where the document has one.
        "verify_in_signature": document.kind in SIGNED_WITH_BLOCK,
    }


def render_html(document: Document) -> str:
    # Official documents are always Vietnamese, whatever the language of the person asking.
    with translation.override("vi"):
        context = build_context(document)
        context["draft"] = document.draft
        context.update(_metadata(document, context))
        context.update(_verification(document))
        html = render_to_string(TEMPLATES[document.kind], _nfc(context))
    return unicodedata.normalize("NFC", html)


def _font_fetcher():
    """A WeasyPrint fetcher for our own font files only: never the network, never another file on
    the machine. Errors stop the rendering, so a PDF never silently falls back to a system font."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    class FontFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not url.startswith("file:") or FONT_DIR not in path.parents:
                raise ValueError(f"refused to fetch {url}")
            return super().fetch(url, headers)

    return FontFetcher(allowed_protocols={"file"}, fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    # Imported here: importing WeasyPrint costs about a second and loads system libraries.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    try:
        # PDF/A-3b: the form expected for electronic records kept in an archive (fonts embedded, an
        # output intent, XMP identification).
        return HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=_font_fetcher()).write_pdf(
            font_config=FontConfiguration(), pdf_variant="pdf/a-3b"
        )
    except FatalURLFetchingError as exc:  # a BaseException: it must not escape the task
        raise RenderError(str(exc)) from exc


def render_pdf(document: Document) -> bytes:
    try:
        return html_to_pdf(render_html(document))
    except RenderError:
        raise
    except Exception as exc:  # WeasyPrint and template errors alike: the caller records the failure
        raise RenderError(f"{exc.__class__.__name__}: {exc}") from exc


def summary_chart_svg(summary: dict) -> str:
    """A horizontal bar chart of recognised communes per district, drawn as SVG (no JavaScript)."""
    rows = summary["districts"]
    bar_height, gap, label_width, width = 14, 6, 170, 460
    height = len(rows) * (bar_height + gap) + 10
    parts = [
        # Sized by its viewBox only: the page's CSS fits it to the text width (never past the margins).
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width + label_width + 60} {height}" font-family="Times New Roman" font-size="10">'
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
