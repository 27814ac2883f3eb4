"""Reading a file of past decisions (CSV or XLSX): one row per commune and decision.

Columns (the first row names them; the order is free):

    co_quan     the GSO code of the unit whose People's Committee issued it (a district, or the province)
    so          the number; ky_hieu: the symbol ("QĐ-UBND"; the body's own when empty)
    ngay        the date (dd/mm/yyyy or yyyy-mm-dd)
    nguoi_ky    the signer's name; chuc_vu: the title; the_thuc_ky: KT., Q., TL., TUQ. (empty: from the title)
    nam         the evaluation year; ma_xa: the commune's GSO code
    ket_qua     cong_nhan / khong_cong_nhan / thu_hoi (or "Công nhận", "Không công nhận", "Thu hồi")
    ly_do       the reasons (required for not recognised and revoked)
    tep         the name of the attached scan or signed PDF, given with the table (optional)

Every row is read before anything is written; every bad line is reported by its number, in Vietnamese.
Rows of one decision (same body, symbol, number and date) are grouped into one decision.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from django.utils.translation import gettext as _

from communes.models import Commune, District, Province
from communes.signing import MARK, SigningCapacity
from communes.text import fold, nfc
from recognition.models import RecordedOutcome

from .services import OutcomeLine, PastDecision, RecordRefused

REQUIRED_COLUMNS = ("co_quan", "so", "ngay", "nguoi_ky", "nam", "ma_xa", "ket_qua")
OPTIONAL_COLUMNS = ("ky_hieu", "chuc_vu", "the_thuc_ky", "ly_do", "tep")
OUTCOME_WORDS = {
    "cong_nhan": RecordedOutcome.Outcome.RECOGNISED,
    "khong_cong_nhan": RecordedOutcome.Outcome.NOT_RECOGNISED,
    "thu_hoi": RecordedOutcome.Outcome.REVOKED,
    **{value: value for value in RecordedOutcome.Outcome.values},
}
MAX_ROWS = 20000


def _outcome(value: str) -> str:
    key = fold(value).strip().replace(" ", "_")
    return OUTCOME_WORDS.get(key, "")


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _integer(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):  # a spreadsheet's number
        text = text[:-2]
    return int(text) if text.isdigit() else None


def _code(value) -> str:
    text = str(value if value is not None else "").strip()
    return text[:-2] if text.endswith(".0") else text


def _rows(name: str, data: bytes) -> list[dict]:
    """The file's rows as {column: value}, with their line numbers (the header is line 1)."""
    if name.lower().endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds of errors for a damaged file
            raise RecordRefused([(0, _("The file is not a readable XLSX workbook."))]) from error
        sheet = book.worksheets[0]
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RecordRefused(
                [(0, _("The file must be a CSV file in UTF-8, or an XLSX workbook."))]
            ) from error
        values = list(csv.reader(io.StringIO(text)))
    if not values:
        raise RecordRefused([(0, _("The file is empty."))])
    header = [nfc(str(h or "")).strip().lower() for h in values[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RecordRefused([(1, _("Missing columns: %(names)s.") % {"names": ", ".join(missing)})])
    if len(values) - 1 > MAX_ROWS:
        raise RecordRefused([(0, _("At most %(n)s rows in one file.") % {"n": MAX_ROWS})])
    rows = []
    for number, row in enumerate(values[1:], start=2):
        if not any(str(v or "").strip() for v in row):
            continue
        record = {h: row[i] if i < len(row) else "" for i, h in enumerate(header)}
        record["_line"] = number
        rows.append(record)
    return rows


def read_past_decisions(*, name: str, data: bytes, province: Province) -> list[PastDecision]:
    """The decisions of the file, every row checked (RecordRefused lists every bad line)."""
    rows = _rows(name, data)
    problems: list[tuple[int, str]] = []
    districts = {d.code: d for d in District.objects.filter(province=province)}
    communes: dict[str, list[Commune]] = {}
    for commune in Commune.objects.filter(province=province).select_related("district"):
        communes.setdefault(commune.code, []).append(commune)
    grouped: dict[tuple, dict] = {}
    for row in rows:
        line = row["_line"]
        unit_code = _code(row.get("co_quan"))
        unit = province if unit_code == province.code else districts.get(unit_code)
        number, year = _integer(row.get("so")), _integer(row.get("nam"))
        day = _day(row.get("ngay"))
        outcome = _outcome(str(row.get("ket_qua") or ""))
        capacity = nfc(str(row.get("the_thuc_ky") or "")).strip()
        errors = []
        if unit is None:
            errors.append(
                _("unknown issuing unit “%(code)s” (a district's or the province's code)")
                % {"code": unit_code}
            )
        if number is None:
            errors.append(_("the number “%(value)s” is not a whole number") % {"value": row.get("so") or ""})
        if day is None:
            errors.append(
                _("the date “%(value)s” is not a date (dd/mm/yyyy)") % {"value": row.get("ngay") or ""}
            )
        if year is None:
            errors.append(_("the year “%(value)s” is not a year") % {"value": row.get("nam") or ""})
        if not outcome:
            errors.append(
                _("the outcome “%(value)s” is none of cong_nhan, khong_cong_nhan, thu_hoi")
                % {"value": row.get("ket_qua") or ""}
            )
        if capacity and capacity not in SigningCapacity.values:
            capacity = {mark: value for value, mark in MARK.items() if mark}.get(capacity.upper(), "")
            if not capacity:
                errors.append(
                    _("the signing capacity “%(value)s” is unknown") % {"value": row.get("the_thuc_ky")}
                )
        commune = None
        code = _code(row.get("ma_xa"))
        if year is not None and unit is not None:
            candidates = [
                c
                for c in communes.get(code, [])
                if c.is_valid_in_year(year)
                and (c.district_id == unit.pk if isinstance(unit, District) else True)
            ]
            # A code reused by the unit of 1 July 2025: the one of the decision's level.
            candidates.sort(key=lambda c: (c.district_id is None) == isinstance(unit, District))
            commune = candidates[0] if candidates else None
            if commune is None:
                errors.append(
                    _("no commune with the code “%(code)s” existed in %(year)s under %(unit)s")
                    % {"code": code, "year": year, "unit": unit.name}
                )
        if errors:
            problems.append((line, "; ".join(errors)))
            continue
        assert unit is not None and number is not None and day is not None and year is not None
        key = (unit.pk, type(unit).__name__, number, nfc(str(row.get("ky_hieu") or "")).strip(), day)
        entry = grouped.setdefault(
            key,
            {
                "unit": unit,
                "number": number,
                "decided_on": day,
                "symbol": key[3],
                "signer_name": nfc(str(row.get("nguoi_ky") or "")).strip(),
                "signer_title": nfc(str(row.get("chuc_vu") or "")).strip(),
                "signer_capacity": capacity,
                "attachment_name": nfc(str(row.get("tep") or "")).strip(),
                "line": line,
                "lines": [],
            },
        )
        if entry["signer_name"] != nfc(str(row.get("nguoi_ky") or "")).strip():
            problems.append(
                (
                    line,
                    _("the signer differs from line %(line)s of the same decision") % {"line": entry["line"]},
                )
            )
        entry["lines"].append(
            OutcomeLine(
                commune=commune,
                year=year,
                outcome=outcome,
                reasons=nfc(str(row.get("ly_do") or "")).strip(),
                line=line,
            )
        )
    if problems:
        raise RecordRefused(problems)
    return [PastDecision(**{**entry, "lines": tuple(entry["lines"])}) for entry in grouped.values()]


def read_past_decisions_file(path: Path | str, *, province: Province) -> list[PastDecision]:
    path = Path(path)
    return read_past_decisions(name=path.name, data=path.read_bytes(), province=province)
