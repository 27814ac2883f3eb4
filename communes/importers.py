"""Reading the official list of administrative units (the layout of nghean_admin_units.csv).

Every row is checked before anything is written: one bad line and nothing changes.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Commune, District, Province
from .text import nfc

REQUIRED_COLUMNS = (
    "district_code",
    "district_name",
    "district_type",
    "commune_code",
    "commune_name",
    "commune_type",
)
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


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))


def read_unit_file(path: Path | str) -> list[UnitRow]:
    """Parse and validate the whole file; raise UnitFileInvalid with every bad line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise UnitFileInvalid(
                    [(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})]
                )
            raw_rows = list(reader)
    except UnicodeDecodeError as exc:
        raise UnitFileInvalid([(0, _("the file is not UTF-8 text (%(error)s)") % {"error": exc})]) from exc

    errors: list[tuple[int, str]] = []
    rows: list[UnitRow] = []
    commune_seen: dict[str, tuple[int, str]] = {}
    district_seen: dict[str, tuple[int, str, str]] = {}
    for line, raw in enumerate(raw_rows, start=2):
        values = {k: nfc(raw.get(k) or "").strip() for k in REQUIRED_COLUMNS}
        row_errors = []
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


@transaction.atomic
def admin_units_import(
    *,
    rows: list[UnitRow],
    province: Province,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> ImportReport:
    """Create or update districts and communes by GSO code. Border flags are never touched here."""
    report = ImportReport()
    districts = {d.code: d for d in District.objects.filter(code__in={r.district_code for r in rows})}
    communes = {c.code: c for c in Commune.objects.filter(code__in={r.commune_code for r in rows})}

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

    dates = {}
    if valid_from:
        dates["valid_from"] = valid_from
    if valid_until:
        dates["valid_until"] = valid_until
    done_districts: set[str] = set()
    for row in rows:
        if row.district_code not in done_districts:
            district = districts.get(row.district_code) or District(code=row.district_code)
            apply(
                district,
                {"name": row.district_name, "kind": row.district_kind, "province": province, **dates},
                "district",
            )
            districts[row.district_code] = district
            done_districts.add(row.district_code)
        commune = communes.get(row.commune_code) or Commune(code=row.commune_code)
        apply(
            commune,
            {
                "name": row.commune_name,
                "kind": row.commune_kind,
                "district": districts[row.district_code],
                **dates,
            },
            "commune",
        )
    return report
