"""Phân loại địa bàn: the key-area type (I, II, III or none) of a commune, computed from its counts by
Article 4 of Decision 28/2025/QĐ-TTg.

The thresholds and the readings the text leaves open are data (`CriteriaSet.classification_rules`), so
the province can correct them when the Ministry's guidance is at hand; `ARTICLE_4` below is the reading
the project applies (shared/domain/criteria.md §0.3) and what the Decision 28 fixture loads:

- `a_counts_exempt`: band (a) counts every resident with management records, the exempt groups of
  Article 6 included (the exemptions belong to KMT-1 only).
- `higher_band_meets_lower`: a value in a higher type's band also meets the lower types' criterion.
- a band's `min` is inclusive, `above` exclusive, `below` exclusive; ratios are to the population.
- per type: `at_least` criteria among `counted`; `route`: on a key drug route and at least `at_least`
  of a–d at type `of_type` or higher counts as criterion đ.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyAreaType(models.TextChoices):
    """Loại địa bàn trọng điểm (Article 4 of Decision 28/2025): the type a commune's counts give it,
    the codes of the criteria set's `classification_rules`; the empty value is a commune that is not a
    key area. Its labels are the only words of the types, on every page, export and document."""

    TYPE_I = "I", _("Key area type I")
    TYPE_II = "II", _("Key area type II")
    TYPE_III = "III", _("Key area type III")
    NONE = "", _("Not a key area")


ARTICLE_4: dict = {
    "a_counts_exempt": True,
    "higher_band_meets_lower": True,
    "types": [
        {
            "code": "I",
            "at_least": 3,
            "counted": ["a", "b", "c", "d", "đ"],
            "bands": {
                "a": [{"measure": "user_ratio", "min": "0.005"}],
                "b": [{"measure": "places", "min": "2"}],
                "c": [{"measure": "arrest_ratio", "min": "0.001"}],
                "d": [{"measure": "plants", "min": "3000"}, {"measure": "plant_area", "min": "750"}],
            },
            "route": {"of_type": "II", "at_least": 2},
        },
        {
            "code": "II",
            "at_least": 3,
            "counted": ["a", "b", "c", "d", "đ"],
            "bands": {
                "a": [{"measure": "user_ratio", "min": "0.001", "below": "0.005"}],
                "b": [{"measure": "places", "min": "1", "below": "2"}],
                "c": [{"measure": "arrest_ratio", "min": "0.0005", "below": "0.001"}],
                "d": [
                    {"measure": "plants", "min": "500", "below": "3000"},
                    {"measure": "plant_area", "min": "125", "below": "750"},
                ],
            },
            "route": {"of_type": "III", "at_least": 2},
        },
        {
            "code": "III",
            "at_least": 1,
            "counted": ["a", "c", "d"],
            "bands": {
                "a": [{"measure": "user_ratio", "above": "0", "below": "0.001"}],
                "c": [{"measure": "arrest_ratio", "above": "0", "below": "0.0005"}],
                "d": [
                    {"measure": "plants", "above": "0", "below": "500"},
                    {"measure": "plant_area", "above": "0", "below": "125"},
                ],
            },
        },
    ],
}

LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True)
class Classification:
    type: str  # a KeyAreaType: "I", "II", "III" or "" (not a key area)
    # For each type, the criteria (a, b, c, d, đ) it met: what the page and the report show.
    met: dict[str, list[str]]

    @property
    def basis(self) -> list[str]:
        return self.met.get(self.type, [])


def measures(counts, rules: dict) -> dict[str, Decimal]:
    """The values the bands read, from a dossier's counts (anything with the SituationCounts fields)."""
    population = Decimal(counts.population or 0)
    users = Decimal(counts.users_with_records or 0)
    if not rules.get("a_counts_exempt", True):
        users = Decimal(counts.users_not_exempt)

    def ratio(value) -> Decimal:
        return Decimal(value) / population if population else Decimal(0)

    return {
        "user_ratio": ratio(users),
        "places": Decimal(counts.harbouring_places or 0),
        "arrest_ratio": ratio(counts.offenders_arrested or 0),
        "plants": Decimal(counts.drug_plants or 0),
        "plant_area": Decimal(counts.drug_plant_area or 0),
    }


def _in_band(value: Decimal, band: dict, *, open_above: bool) -> bool:
    if "min" in band and value < Decimal(band["min"]):
        return False
    if "above" in band and value <= Decimal(band["above"]):
        return False
    if not open_above and "below" in band and value >= Decimal(band["below"]):
        return False
    return True


def classify(counts, rules: dict | None = None) -> Classification:
    """The highest type whose rule the counts meet, and what each type met."""
    rules = rules or ARTICLE_4
    values = measures(counts, rules)
    open_above = rules.get("higher_band_meets_lower", True)
    types = rules["types"]
    order = [t["code"] for t in types]  # highest first

    # The level of each criterion a-d: the highest type whose band it falls in.
    level: dict[str, int | None] = {}
    band_met: dict[tuple[str, str], bool] = {}
    for index, type_rule in enumerate(types):
        for letter in LETTERS:
            bands = type_rule["bands"].get(letter, [])
            hit = any(_in_band(values[b["measure"]], b, open_above=open_above) for b in bands)
            band_met[(type_rule["code"], letter)] = hit
            if hit and level.get(letter) is None:
                level[letter] = index

    met: dict[str, list[str]] = {}
    found = ""
    for type_rule in types:
        code = type_rule["code"]
        hits = [letter for letter in LETTERS if band_met[(code, letter)]]
        route = type_rule.get("route")
        if route and counts.on_key_route:
            floor = order.index(route["of_type"])
            at_or_above = [
                letter for letter in LETTERS if level.get(letter) is not None and level[letter] <= floor
            ]
            if len(at_or_above) >= route["at_least"]:
                hits.append("đ")
        hits = [letter for letter in hits if letter in type_rule.get("counted", [*LETTERS, "đ"])]
        met[code] = hits
        if not found and len(hits) >= type_rule["at_least"]:
            found = code
    return Classification(type=found, met=met)
