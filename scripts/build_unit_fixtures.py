"""Build fixtures/border_communes.json and fixtures/nghean_units.json from ../shared/data.

Run from the project root: python scripts/build_unit_fixtures.py [path/to/shared/data]
The fixtures use natural keys (GSO codes), so loading them twice, or after the importer, is safe.
"""

import csv
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
DISTRICT_KINDS = {"Thành phố": "thanh_pho", "Thị xã": "thi_xa", "Huyện": "huyen"}
COMMUNE_KINDS = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran"}
# Districts were abolished on 1 July 2025; communes absent from the 2025-01 list ended on 31 Dec 2024.
DISTRICTS_END = "2025-06-30"


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.strip())


def rows(name):
    with open(DATA / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main():
    units = rows("nghean_admin_units.csv")
    units_2025 = rows("nghean_admin_units_2025-01.csv")
    border = rows("nghean_border_communes.csv")
    border_codes = {r["commune_code"] for r in border}
    border_districts = {r["district_code"] for r in border}
    by_code = {r["commune_code"]: r for r in units}
    still_2025 = {r["commune_code"]: r for r in units_2025}
    districts_2025 = {r["district_code"] for r in units_2025}

    province = {"model": "communes.province", "fields": {"code": "40", "name": "Tỉnh Nghệ An"}}

    def district_obj(code, name, kind):
        return {
            "model": "communes.district",
            "fields": {
                "code": code,
                "name": nfc(name),
                "kind": kind,
                "province": ["40"],
                "is_border": code in border_districts,
                "valid_from": None,
                "valid_until": DISTRICTS_END if code in districts_2025 else "2024-12-31",
            },
        }

    def commune_obj(code, name, kind, district_code):
        return {
            "model": "communes.commune",
            "fields": {
                "code": code,
                "name": nfc(name),
                "kind": kind,
                "district": [district_code],
                "is_border": code in border_codes,
                "valid_from": None,
                "valid_until": DISTRICTS_END if code in still_2025 else "2024-12-31",
            },
        }

    # Border fixture: names exactly as in the border list.
    out = [province]
    seen = set()
    for r in border:
        if r["district_code"] not in seen:
            seen.add(r["district_code"])
            out.append(district_obj(r["district_code"], r["district_name"], "huyen"))
    for r in border:
        kind = COMMUNE_KINDS[by_code[r["commune_code"]]["commune_type"]]
        out.append(commune_obj(r["commune_code"], r["commune_name"], kind, r["district_code"]))
    (ROOT / "fixtures" / "border_communes.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

    # Whole province, 2020-2024 list.
    out = [province]
    seen = set()
    for r in units:
        if r["district_code"] not in seen:
            seen.add(r["district_code"])
            out.append(
                district_obj(r["district_code"], r["district_name"], DISTRICT_KINDS[r["district_type"]])
            )
    for r in units:
        out.append(
            commune_obj(
                r["commune_code"], r["commune_name"], COMMUNE_KINDS[r["commune_type"]], r["district_code"]
            )
        )
    (ROOT / "fixtures" / "nghean_units.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"border: {len(border)} communes; province: {len(units)} communes")


if __name__ == "__main__":
    main()
