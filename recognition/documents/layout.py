"""The layout of Decree 30/2020/NĐ-CP in words: dates, the issuing body's lines, signature blocks,
numbers of drafts, the police command that appraised, citations of a proposal. Shared by every kind's
context builder (this package's entries and those of the apps above it)."""

from __future__ import annotations

import datetime
import re
import unicodedata

from assessments import workflow
from assessments.models import Dossier
from communes import signing
from communes.text import in_sentence


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


def nfc_all(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: nfc_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nfc_all(v) for v in value)
    return value


def authority(dossier: Dossier) -> dict:
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


def copies_of_decision(dossier: Dossier) -> list[str]:
    """Nơi nhận: the procedure's list, with the Party committee of the deciding unit's kind (Thành ủy of
    a city, Thị ủy of a town, Huyện ủy of a rural district; Tỉnh ủy for the province)."""
    unit = workflow.deciding_unit(dossier)
    party = getattr(unit, "party_committee", "Tỉnh ủy")
    return [line.format(party_committee=party) for line in workflow.procedure_of(dossier).copies_of_decision]


def signature(title: str, name: str, head: str = "CHỦ TỊCH", *, capacity: str = "") -> dict:
    """The signature block from how the signer signs (communes.signing): the head under the head's title
    ("CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG CÔNG AN"); a deputy "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; the acting head
    "Q. GIÁM ĐỐC"; by order or authorisation "TL. CHỦ TỊCH" or "TUQ. CHỦ TỊCH" over the signer's own title.
    "TM." and the body's name are added above by the kind's entry when its competence is the collective's
    (render.render_html), never over the chair's individual decision (Decree 30, App. I II.7)."""
    return {
        "signer_lines": signing.signature_lines(capacity=capacity, title=title, head=head),
        "signer_name": name,
    }


def signature_of(record, head: str = "CHỦ TỊCH") -> dict:
    """The block of a decision or a document that keeps its signer's name, title and capacity."""
    return signature(record.signer_title, record.signer_name, head, capacity=record.signer_capacity)


def signature_lines(title: str, head: str, capacity: str = "") -> list[str]:
    """The lines the signature block prints above the name for a signer of `title`."""
    return signing.signature_lines(capacity=capacity, title=title, head=head)


def printed_title(title: str, head: str) -> str:
    """The title a signer of post `title` signs with, in the form's words: the head's ("Giám đốc"), or
    a deputy's ("Phó Giám đốc"); never the post's unit ("Phòng PC04, Công an tỉnh")."""
    words = head.capitalize()
    return (
        f"Phó {words[0].upper()}{words[1:]}"
        if signing.capacity_from_title(title) == signing.SigningCapacity.DEPUTY
        else words
    )


def police_head_title(unit) -> str:
    """The head of a police command as a signature block names it: a province's is its director."""
    return "GIÁM ĐỐC" if unit._meta.model_name == "province" else "TRƯỞNG CÔNG AN"


# A draft (DỰ THẢO) leaves the number blank for the clerk: "Số:      /QĐ-UBND".
DRAFT_NUMBER_SPACE = "\u00a0" * 8


def number_or_blank(record) -> str:
    return f"{DRAFT_NUMBER_SPACE}/{record.symbol}" if record.number is None else record.number_display


def police(dossier: Dossier) -> dict:
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


def proposal_subject(dossier: Dossier) -> str:
    """The Tờ trình's trích yếu, as it is printed and cited by the decision that answers it."""
    return (
        f"đề nghị xét công nhận {commune_label(dossier)} đạt tiêu chí "
        f"“{dossier.criteria_set.recognition_term}” năm\u00a0{dossier.year}"
    )


def proposal_line(dossier: Dossier, appraisal) -> str:
    """ "Xét đề nghị của Trưởng Công an huyện Kỳ Sơn tại Tờ trình số 03/TTr-CAH ngày ... về việc đề nghị
    xét công nhận xã ... và Biên bản kiểm tra, thẩm định số 03/BB-CAH ngày ...": the police's proposal
    cited by its own number, date and subject."""
    text = f"Xét đề nghị của {police(dossier)['police_head']}"
    if appraisal is not None and appraisal.proposal_number and appraisal.proposal_date:
        text += (
            f" tại Tờ trình số\u00a0{appraisal.proposal_display} {vn_date(appraisal.proposal_date)}"
            f" về việc {proposal_subject(dossier)}"
        )
    if appraisal is not None and appraisal.inspection_date:
        number = f" số\u00a0{appraisal.minutes_display}" if appraisal.minutes_number else ""
        text += f" và Biên bản kiểm tra, thẩm định{number} {vn_date(appraisal.inspection_date)}"
    return text + "."


def council_term(year: int) -> str:
    """The term of the year's criteria set ("không ma túy"), which names the council and its papers."""
    from assessments.selectors import criteria_set_for

    criteria_set = criteria_set_for(year=year)
    return criteria_set.recognition_term if criteria_set is not None else "không ma túy"


def council_name(province, year: int) -> str:
    """The review council's full name, as the decision setting it up gives it (Decision 28/2025): "Hội
    đồng xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An", from the year's criteria set's term."""
    return f"Hội đồng xét duyệt địa bàn cấp xã {council_term(year)} {in_sentence(province.name)}"


def clock(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else ""


def key_counts(counts) -> str:
    """The counts the council weighs, in one cell: people with management records (not exempt), places,
    offenders arrested, drug plants."""
    if counts is None or counts.population is None:
        return ""
    return (
        f"Dân số {counts.population}; người có hồ sơ quản lý {counts.users_with_records} "
        f"(không thuộc diện loại trừ {counts.users_not_exempt}); điểm, tụ điểm {counts.harbouring_places}; "
        f"bắt giữ {counts.offenders_arrested}; cây có chất ma túy {counts.drug_plants}"
    )


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
