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


REFORM_START = "2025-07-01"  # the 130 units under the province (Resolution 1678/NQ-UBTVQH15)
FIRST_START = "2020-03-01"  # the list of 1 March 2020 (earlier GSO snapshots carried provisional codes)
JAN_2025 = "2025-01-01"


def main():
    units = rows("nghean_admin_units.csv")
    units_2025 = rows("nghean_admin_units_2025-01.csv")
    units_reform = rows("nghean_admin_units_2025-07.csv")
    mapping = rows("nghean_2025_reform_mapping.csv")
    border = rows("nghean_border_communes.csv")
    border_codes = {r["commune_code"] for r in border}
    border_districts = {r["district_code"] for r in border}
    still_2025 = {r["commune_code"]: r for r in units_2025}
    districts_2025 = {r["district_code"] for r in units_2025}

    def same_unit(old, new) -> bool:
        return all(old[k] == new[k] for k in ("district_code", "commune_name", "commune_type"))

    province = {"model": "communes.province", "fields": {"code": "40", "name": "Tỉnh Nghệ An"}}
    districts = {}
    for r in [*units, *units_2025]:
        districts.setdefault(r["district_code"], r)

    def district_obj(code):
        r = districts[code]
        return {
            "model": "communes.district",
            "fields": {
                "code": code,
                "name": nfc(r["district_name"]),
                "kind": DISTRICT_KINDS[r["district_type"]],
                "province": ["40"],
                "is_border": code in border_districts,
                "valid_from": None,
                "valid_until": DISTRICTS_END if code in districts_2025 else "2024-12-31",
            },
        }

    # Every unit once, as (code, valid_from) -> fixture object: the 460 of 2020-2024 (those unchanged in
    # January 2025 run on to 30 June 2025), the units of January 2025 that changed name, kind or district,
    # and the 130 of 1 July 2025 with their predecessors.
    communes = {}
    for r in units:
        code = r["commune_code"]
        kept = code in still_2025 and same_unit(r, still_2025[code])
        communes[(code, FIRST_START)] = commune_obj(
            r, FIRST_START, DISTRICTS_END if kept else "2024-12-31", border_codes
        )
    for r in units_2025:
        code = r["commune_code"]
        if (code, FIRST_START) in communes and communes[(code, FIRST_START)]["fields"][
            "valid_until"
        ] == DISTRICTS_END:
            continue
        communes[(code, JAN_2025)] = commune_obj(r, JAN_2025, DISTRICTS_END, border_codes)
    last_before = {}
    for (code, start), obj in communes.items():
        if obj["fields"]["valid_until"] == DISTRICTS_END:
            last_before[code] = [code, start]
    predecessors = {}
    for r in mapping:
        predecessors.setdefault(r["new_commune_code"], []).append(last_before[r["old_commune_code"]])
    for r in units_reform:
        code = r["commune_code"]
        preds = predecessors[code]
        communes[(code, REFORM_START)] = {
            "model": "communes.commune",
            "fields": {
                "code": code,
                "name": nfc(r["commune_name"]),
                "kind": COMMUNE_KINDS[r["commune_type"]],
                "district": None,
                "province": ["40"],
                # A new unit is a border commune when one of the units it replaced was.
                "is_border": any(communes[tuple(p)]["fields"]["is_border"] for p in preds),
                "valid_from": REFORM_START,
                "valid_until": None,
                "predecessors": sorted(preds),
            },
        }

    # Border fixture: the 27 border communes and the 21 units they became, each new unit linked to its
    # border predecessors only. Load it first ("make demo" does): the whole list then adds every link.
    border_new = {
        code for (code, start), o in communes.items() if start == REFORM_START and o["fields"]["is_border"]
    }
    wanted = {(c, s) for (c, s) in communes if s != REFORM_START and c in border_codes}
    wanted.update((code, REFORM_START) for code in border_new)
    border_copy = {}
    for key in wanted:
        obj = json.loads(json.dumps(communes[key]))
        if "predecessors" in obj["fields"]:
            obj["fields"]["predecessors"] = [p for p in obj["fields"]["predecessors"] if tuple(p) in wanted]
        border_copy[key] = obj
    ordered = [key for key in communes if key in wanted]
    out = [province]
    out += [
        district_obj(code)
        for code in sorted(
            {communes[k]["fields"]["district"][0] for k in ordered if communes[k]["fields"]["district"]}
        )
    ]
    out += [border_copy[k] for k in ordered]
    write("border_communes.json", out)

    out = [province, *[district_obj(code) for code in districts], *communes.values()]
    write("nghean_units.json", out)
    counts = {
        s: sum(1 for (_, start) in communes if start == s) for s in (FIRST_START, JAN_2025, REFORM_START)
    }
    print(
        f"border: {len(border)} communes, {len(border_new)} units after the reform; "
        f"province: {counts} units by first day"
    )


def commune_obj(r, valid_from, valid_until, border_codes):
    return {
        "model": "communes.commune",
        "fields": {
            "code": r["commune_code"],
            "name": nfc(r["commune_name"]),
            "kind": COMMUNE_KINDS[r["commune_type"]],
            "district": [r["district_code"]],
            "province": ["40"],
            "is_border": r["commune_code"] in border_codes,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    }


def write(name, objects):
    (ROOT / "fixtures" / name).write_text(
        json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
