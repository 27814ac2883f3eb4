"""Reading the official list of administrative units (the layout of nghean_admin_units.csv).

Every row is checked before anything is written: one bad line and nothing changes.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Commune, District, Province
from .text import FORMULA_STARTS, nfc

REQUIRED_COLUMNS = (
    "district_code",
    "district_name",
    "district_type",
    "commune_code",
    "commune_name",
    "commune_type",
)
# The list of 1 July 2025 on: communes directly under the province (no district).
PROVINCE_COLUMNS = ("province_code", "province_name", "commune_code", "commune_name", "commune_type")
MAPPING_COLUMNS = ("old_commune_code", "new_commune_code")
DISTRICT_KINDS = {"Thành phố": "thanh_pho", "Thị xã": "thi_xa", "Huyện": "huyen"}
COMMUNE_KINDS = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran"}
_DISTRICT_CODE = re.compile(r"^\d{3}$")
_COMMUNE_CODE = re.compile(r"^\d{5}$")


class UnitFileInvalid(Exception):
    """The file has errors; `errors` lists (line number, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("; ".join(f"line {n}: {reason}" for n, reason in errors))


@dataclass
class UnitRow:
    line: int
    district_code: str
    district_name: str
    district_kind: str
    commune_code: str
    commune_name: str
    commune_kind: str
    province_code: str = ""


@dataclass
class MappingRow:
    line: int
    old_code: str
    new_code: str


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # What was created, by line of the file (the officials to whom a first-password link goes).
    created_lines: list = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))


# The csv module's own limit: a cell longer than this is not a unit's or an official's name.
CELL_LIMIT = 131072


class CsvLine(dict):
    """One record of a CSV file: its values by column, the line it starts on, and what makes it
    unreadable (a NUL byte, a cell over CELL_LIMIT); the readers report those with the line number."""

    def __init__(self, values: dict, *, line: int, problems: list[str] | None = None):
        super().__init__(values)
        self.line = line
        self.problems = problems or []


def _read_csv(path: Path | str) -> tuple[list[str], list[CsvLine]]:
    """(header, records) of a UTF-8 CSV file. UnitFileInvalid for a file that cannot be read at all (a
    folder, no permission, not UTF-8); a bad record is kept with its problems so every line is told."""
    path = Path(path)
    if path.is_dir():
        raise UnitFileInvalid([(0, _("“%(path)s” is a folder; give the CSV file itself") % {"path": path})])
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise UnitFileInvalid([(0, _("the file is not UTF-8 text (%(error)s)") % {"error": exc})]) from exc
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnitFileInvalid(
            [(0, _("the file cannot be read (%(error)s)") % {"error": exc.strerror or exc})]
        ) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], []
    except csv.Error as exc:
        raise UnitFileInvalid(
            [(1, _("the header line cannot be read (%(error)s)") % {"error": exc})]
        ) from exc
    records: list[CsvLine] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # The csv module stops the record at its own limit and goes on with the next line.
            records.append(CsvLine({}, line=start, problems=[_too_long()]))
            continue
        if not any(cells):
            continue  # a blank line, as csv.DictReader skips it
        problems = []
        if any("\x00" in cell for cell in cells):
            problems.append(
                _("the line contains a NUL byte (a character 0); save the file again as CSV UTF-8")
            )
        if any(len(cell) > CELL_LIMIT for cell in cells):
            problems.append(_too_long())
        records.append(CsvLine(dict(zip(header, cells, strict=False)), line=start, problems=problems))
    return header, records


def _too_long() -> str:
    return _("a cell is longer than %(limit)s characters") % {"limit": f"{CELL_LIMIT:,}".replace(",", ".")}


def unreadable(record: CsvLine, errors: list[tuple[int, str]]) -> bool:
    """Whether the record cannot be read; its problems are added to `errors` with its line."""
    errors.extend((record.line, problem) for problem in record.problems)
    return bool(record.problems)


def formula_name_problems(values: dict, columns: tuple[str, ...]) -> list[str]:
    return [
        _("“%(value)s” begins with %(start)s: a name cannot begin as a spreadsheet formula (= + - @)")
        % {"value": values[c][:40], "start": values[c][0]}
        for c in columns
        if looks_like_formula(values[c])
    ]


def looks_like_formula(value: str) -> bool:
    """Whether a name begins as a spreadsheet formula (=, +, -, @): no unit's or official's name does,
    and one that did would run when the exports are opened."""
    return value.startswith(FORMULA_STARTS)


def _require_columns(header: list[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise UnitFileInvalid([(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})])


def read_unit_file(path: Path | str) -> list[UnitRow]:
    """Parse and validate the whole file; raise UnitFileInvalid with every bad line."""
    header, raw_rows = _read_csv(path)
    if "district_code" not in header and "province_code" in header:
        return _read_province_rows(raw_rows, header)
    _require_columns(header, REQUIRED_COLUMNS)

    errors: list[tuple[int, str]] = []
    rows: list[UnitRow] = []
    commune_seen: dict[str, tuple[int, str]] = {}
    district_seen: dict[str, tuple[int, str, str]] = {}
    for raw in raw_rows:
        line = raw.line
        if unreadable(raw, errors):
            continue
        values = {k: nfc(raw.get(k) or "").strip() for k in REQUIRED_COLUMNS}
        row_errors = formula_name_problems(values, ("district_name", "commune_name"))
        if not _DISTRICT_CODE.match(values["district_code"]):
            row_errors.append(
                _("malformed district code %(code)r (3 digits expected)") % {"code": values["district_code"]}
            )
        if not _COMMUNE_CODE.match(values["commune_code"]):
            row_errors.append(
                _("malformed commune code %(code)r (5 digits expected)") % {"code": values["commune_code"]}
            )
        if not values["district_name"]:
            row_errors.append(_("empty district name"))
        if not values["commune_name"]:
            row_errors.append(_("empty commune name"))
        if values["district_type"] not in DISTRICT_KINDS:
            row_errors.append(_("unknown district type %(kind)r") % {"kind": values["district_type"]})
        if values["commune_type"] not in COMMUNE_KINDS:
            row_errors.append(_("unknown commune type %(kind)r") % {"kind": values["commune_type"]})
        if row_errors:
            errors.extend((line, reason) for reason in row_errors)
            continue

        code, district_code = values["commune_code"], values["district_code"]
        if code in commune_seen:
            first_line, first_district = commune_seen[code]
            if first_district != district_code:
                errors.append(
                    (
                        line,
                        _(
                            "commune %(code)s is under district %(a)s on line %(first)d and under district %(b)s here"
                        )
                        % {"code": code, "a": first_district, "first": first_line, "b": district_code},
                    )
                )
            else:
                errors.append(
                    (
                        line,
                        _("duplicate commune code %(code)s (first on line %(first)d)")
                        % {"code": code, "first": first_line},
                    )
                )
            continue
        commune_seen[code] = (line, district_code)
        district_key = (values["district_name"], values["district_type"])
        if district_code in district_seen and district_seen[district_code][1:] != district_key:
            errors.append(
                (
                    line,
                    _("district %(code)s is named %(name)r here but %(first_name)r on line %(first)d")
                    % {
                        "code": district_code,
                        "name": values["district_name"],
                        "first_name": district_seen[district_code][1],
                        "first": district_seen[district_code][0],
                    },
                )
            )
            continue
        district_seen.setdefault(district_code, (line, *district_key))
        rows.append(
            UnitRow(
                line=line,
                district_code=district_code,
                district_name=values["district_name"],
                district_kind=DISTRICT_KINDS[values["district_type"]],
                commune_code=code,
                commune_name=values["commune_name"],
                commune_kind=COMMUNE_KINDS[values["commune_type"]],
            )
        )
    if not raw_rows:
        errors.append((1, _("the file has no rows")))
    if errors:
        raise UnitFileInvalid(errors)
    return rows


def _read_province_rows(raw_rows: list[dict], header: list[str]) -> list[UnitRow]:
    """The layout of nghean_admin_units_2025-07.csv: province_code, province_name, commune_*."""
    _require_columns(header, PROVINCE_COLUMNS)
    errors: list[tuple[int, str]] = []
    rows: list[UnitRow] = []
    seen: dict[str, int] = {}
    for raw in raw_rows:
        line = raw.line
        if unreadable(raw, errors):
            continue
        values = {k: nfc(raw.get(k) or "").strip() for k in PROVINCE_COLUMNS}
        row_errors = formula_name_problems(values, ("province_name", "commune_name"))
        if not re.match(r"^\d{2}$", values["province_code"]):
            row_errors.append(
                _("malformed province code %(code)r (2 digits expected)") % {"code": values["province_code"]}
            )
        if not _COMMUNE_CODE.match(values["commune_code"]):
            row_errors.append(
                _("malformed commune code %(code)r (5 digits expected)") % {"code": values["commune_code"]}
            )
        if not values["commune_name"]:
            row_errors.append(_("empty commune name"))
        if values["commune_type"] not in COMMUNE_KINDS:
            row_errors.append(_("unknown commune type %(kind)r") % {"kind": values["commune_type"]})
        if not row_errors and values["commune_code"] in seen:
            row_errors.append(
                _("duplicate commune code %(code)s (first on line %(first)d)")
                % {"code": values["commune_code"], "first": seen[values["commune_code"]]}
            )
        if row_errors:
            errors.extend((line, reason) for reason in row_errors)
            continue
        seen[values["commune_code"]] = line
        rows.append(
            UnitRow(
                line=line,
                district_code="",
                district_name="",
                district_kind="",
                commune_code=values["commune_code"],
                commune_name=values["commune_name"],
                commune_kind=COMMUNE_KINDS[values["commune_type"]],
                province_code=values["province_code"],
            )
        )
    if not raw_rows:
        errors.append((1, _("the file has no rows")))
    if errors:
        raise UnitFileInvalid(errors)
    return rows


def read_mapping_file(path: Path | str, *, new_codes: set[str]) -> list[MappingRow]:
    """The reform mapping (old unit -> the unit it became); every new code must be in the unit list."""
    header, raw_rows = _read_csv(path)
    _require_columns(header, MAPPING_COLUMNS)
    errors: list[tuple[int, str]] = []
    rows: list[MappingRow] = []
    seen: dict[str, int] = {}
    for raw in raw_rows:
        line = raw.line
        if unreadable(raw, errors):
            continue
        old, new = (raw.get("old_commune_code") or "").strip(), (raw.get("new_commune_code") or "").strip()
        if not _COMMUNE_CODE.match(old):
            errors.append((line, _("malformed commune code %(code)r (5 digits expected)") % {"code": old}))
            continue
        if not _COMMUNE_CODE.match(new):
            errors.append((line, _("malformed commune code %(code)r (5 digits expected)") % {"code": new}))
            continue
        if new not in new_codes:
            errors.append((line, _("commune %(code)s is not in the list of units") % {"code": new}))
            continue
        if old in seen:
            errors.append(
                (
                    line,
                    _("duplicate commune code %(code)s (first on line %(first)d)")
                    % {"code": old, "first": seen[old]},
                )
            )
            continue
        seen[old] = line
        rows.append(MappingRow(line=line, old_code=old, new_code=new))
    if errors:
        raise UnitFileInvalid(errors)
    return rows


def _day_before(day: datetime.date | None) -> datetime.date | None:
    return day - datetime.timedelta(days=1) if day else None


def mapping_problems(*, mapping: list[MappingRow], valid_from: datetime.date | None) -> list[tuple[int, str]]:
    """Mapping lines whose old unit is not loaded (checked before anything is written)."""
    day = _day_before(valid_from)
    known = set(
        Commune.objects.valid_on(day).values_list("code", flat=True)
        if day
        else Commune.objects.values_list("code", flat=True)
    )
    return [
        (
            row.line,
            _("commune %(code)s is not loaded for the day before the list starts") % {"code": row.old_code},
        )
        for row in mapping
        if row.old_code not in known
    ]


@transaction.atomic
def admin_units_import(
    *,
    rows: list[UnitRow],
    province: Province,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> ImportReport:
    """Create or update districts and communes by GSO code. Border flags are never touched here."""
    """Create or update districts and communes. A commune is its GSO code and its first day: a row
    that continues a unit of the same code, name, kind and parent extends it; a row that differs opens a
    new unit (and ends the old one the day before). The file's end date only ever extends a unit.
    Border flags are never changed here, except that a new unit takes its predecessors' flag."""
    report = ImportReport()
    districts = {
        d.code: d
        for d in District.objects.filter(code__in={r.district_code for r in rows if r.district_code})
    }
    by_code: dict[str, list[Commune]] = {}
    for commune in Commune.objects.filter(code__in={r.commune_code for r in rows}):
        by_code.setdefault(commune.code, []).append(commune)

    def apply(obj, values: dict, kind: str) -> None:
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            report.created[kind] += 1
            return
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            report.updated[kind] += 1
        else:
            report.unchanged[kind] += 1

    def later(current: datetime.date | None) -> datetime.date | None:
        """A unit's end after this file: the file's end only ever extends it (open stays open)."""
        return current if valid_until is None or current is None else max(current, valid_until)

    done_districts: set[str] = set()
    for row in rows:
        district = None
        if row.district_code:
            if row.district_code not in done_districts:
                district = districts.get(row.district_code) or District(code=row.district_code)
                end = later(district.valid_until) if district.pk else valid_until
                dates = {"valid_until": end} if valid_until else {}
                apply(
                    district,
                    {"name": row.district_name, "kind": row.district_kind, "province": province, **dates},
                    "district",
                )
                districts[row.district_code] = district
                done_districts.add(row.district_code)
            district = districts[row.district_code]
        values = {
            "name": row.commune_name,
            "kind": row.commune_kind,
            "district": district,
            "province": province,
        }
        same_code = by_code.get(row.commune_code, [])
        exact = next((c for c in same_code if c.valid_from == valid_from), None)
        if exact is None and valid_from is None:
            # No dates given: the latest unit of this code on the same side of the reform (under a district
            # or directly under the province), never the other one.
            same_side = [c for c in same_code if (c.district_id is None) == (district is None)]
            exact = max(same_side, key=lambda c: c.valid_from or datetime.date.min) if same_side else None
        if exact is not None:
            apply(exact, {**values, "valid_until": later(exact.valid_until)}, "commune")
            continue
        continued = next(
            (
                c
                for c in same_code
                if valid_from is not None
                and (c.is_valid_on(valid_from) or c.is_valid_on(_day_before(valid_from)))
                and (c.name, c.kind, c.district_id)
                == (row.commune_name, row.commune_kind, getattr(district, "pk", None))
            ),
            None,
        )
        if continued is not None:
            apply(continued, {**values, "valid_until": later(continued.valid_until)}, "commune")
            continue
        for old in same_code if valid_from else ():  # the unit this row replaces ends the day before
            started_before = old.valid_from is None or old.valid_from < valid_from
            if started_before and (old.valid_until is None or old.valid_until >= valid_from):
                old.valid_until = _day_before(valid_from)
                old.save(update_fields=["valid_until"])
                report.updated["commune"] += 1
        commune = Commune(code=row.commune_code, valid_from=valid_from)
        apply(commune, {**values, "valid_until": valid_until}, "commune")
        by_code.setdefault(row.commune_code, []).append(commune)
    return report


@transaction.atomic
def reform_mapping_import(*, mapping: list[MappingRow], valid_from: datetime.date) -> ImportReport:
    """Link each new unit to the units it replaced; a new unit is a border commune when one of them was
    (set when it is first linked: an admin's later correction is kept)."""
    report = ImportReport()
    day = _day_before(valid_from)
    old_units = {
        c.code: c for c in Commune.objects.valid_on(day).filter(code__in={r.old_code for r in mapping})
    }
    new_units = {
        c.code: c
        for c in Commune.objects.filter(valid_from=valid_from, code__in={r.new_code for r in mapping})
    }
    wanted: dict[int, set[int]] = {}
    for row in mapping:
        wanted.setdefault(new_units[row.new_code].pk, set()).add(old_units[row.old_code].pk)
    for unit in new_units.values():
        current = set(unit.predecessors.values_list("pk", flat=True))
        target = wanted.get(unit.pk, set())
        if current == target:
            report.unchanged["predecessor"] += len(target)
            continue
        first_link = not current
        unit.predecessors.set(target)
        report.created["predecessor"] += len(target - current)
        report.updated["predecessor"] += len(current - target)
        if (
            first_link
            and Commune.objects.filter(pk__in=target, is_border=True).exists()
            and not unit.is_border
        ):
            unit.is_border = True
            unit.save(update_fields=["is_border"])
    return report
