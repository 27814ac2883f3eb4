"""Article 4 of Decision 28/2025/QĐ-TTg: the key-area type computed from a commune's counts, at every
band edge, with the project's readings kept as data; and KMT-1..3 computed from the same counts."""

import copy
from dataclasses import dataclass
from decimal import Decimal

import pytest

from assessments.classification import ARTICLE_4, classify


@dataclass
class Counts:
    population: int = 10000
    users_with_records: int = 0
    users_substitution: int = 0
    users_community_rehab: int = 0
    users_post_rehab: int = 0
    harbouring_places: int = 0
    offenders_arrested: int = 0
    drug_plants: int = 0
    drug_plant_area: Decimal = Decimal(0)
    on_key_route: bool = False

    @property
    def users_not_exempt(self) -> int:
        exempt = self.users_substitution + self.users_community_rehab + self.users_post_rehab
        return self.users_with_records - exempt


# (counts, expected type, criteria met by that type): the worked examples of criteria.md §0.3
WORKED_EXAMPLES = [
    (Counts(5000, 10, harbouring_places=2, offenders_arrested=3), "II", ["a", "b", "c"]),
    (Counts(10000, 60, harbouring_places=3, offenders_arrested=12), "I", ["a", "b", "c"]),
    (Counts(6000, 12, drug_plants=600, on_key_route=True), "II", ["a", "d", "đ"]),
    (Counts(8000, 4), "III", ["a"]),
    (Counts(8000, 0, drug_plants=200), "III", ["d"]),
    (Counts(4000, 20, drug_plant_area=Decimal(750)), "III", ["a", "d"]),
    (Counts(7000, 0), "", []),
]


@pytest.mark.parametrize(("counts", "expected", "met"), WORKED_EXAMPLES)
def test_the_worked_examples(counts, expected, met):
    found = classify(counts, ARTICLE_4)
    assert found.type == expected
    assert found.basis == met


# Band edges. Type I needs three criteria: each case adds two that hold anyway (b = 2 places, c = 0.1 %)
# and moves the third (a or d) across its edge; a lower bound is inclusive, an upper bound exclusive.
BASE_I = dict(population=10000, harbouring_places=2, offenders_arrested=10)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (dict(users_with_records=50), "I"),  # 0.5 % exactly: type I's (a)
        (dict(users_with_records=49), "II"),  # 0.49 %: only b and c of type I; a, b, c of type II
        (dict(drug_plants=3000), "I"),
        (dict(drug_plants=2999), "II"),
        (dict(drug_plant_area=Decimal(750)), "I"),
        (dict(drug_plant_area=Decimal("749.9")), "II"),
    ],
)
def test_type_i_edges(extra, expected):
    assert classify(Counts(**{**BASE_I, **extra}), ARTICLE_4).type == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Type II needs three: a at 0.1 % (inclusive) with b = 1 and c = 0.05 %
        (Counts(10000, 10, harbouring_places=1, offenders_arrested=5), "II"),
        (Counts(10000, 9, harbouring_places=1, offenders_arrested=5), "III"),  # a below 0.1 %
        (Counts(10000, 10, harbouring_places=1, offenders_arrested=4), "III"),  # c below 0.05 %
        (Counts(10000, 10, harbouring_places=1, drug_plants=500), "II"),
        (Counts(10000, 10, harbouring_places=1, drug_plants=499), "III"),
        (Counts(10000, 10, harbouring_places=1, drug_plant_area=Decimal(125)), "II"),
        (Counts(10000, 10, harbouring_places=1, drug_plant_area=Decimal("124.9")), "III"),
        # Type III: any one of a, c, d above zero; b alone has no type-III band
        (Counts(10000, 1), "III"),
        (Counts(10000, offenders_arrested=1), "III"),
        (Counts(10000, drug_plant_area=Decimal("0.5")), "III"),
        (Counts(10000, harbouring_places=1), ""),
        (Counts(10000), ""),
    ],
)
def test_type_ii_and_iii_edges(counts, expected):
    assert classify(counts, ARTICLE_4).type == expected


def test_the_route_counts_as_a_criterion_only_on_a_route_and_with_two_criteria_at_the_level():
    two_of_ii = dict(population=10000, users_with_records=10, drug_plants=500)  # a and d at type II
    assert classify(Counts(**two_of_ii), ARTICLE_4).type == "III"
    assert classify(Counts(**two_of_ii, on_key_route=True), ARTICLE_4).type == "II"  # a, d, đ
    one_of_ii = dict(population=10000, users_with_records=10)
    assert classify(Counts(**one_of_ii, on_key_route=True), ARTICLE_4).type == "III"  # đ needs two
    # Type I: two criteria of type II or higher on a route is its đ; with a and d at type I, three
    two_of_i = dict(population=10000, users_with_records=50, drug_plants=3000, on_key_route=True)
    assert classify(Counts(**two_of_i), ARTICLE_4).met["I"] == ["a", "d", "đ"]
    assert classify(Counts(**two_of_i), ARTICLE_4).type == "I"


def test_band_a_counts_the_exempt_groups_by_the_projects_reading_and_the_reading_is_data():
    counts = Counts(10000, 50, users_substitution=50, harbouring_places=2, offenders_arrested=10)
    assert classify(counts, ARTICLE_4).type == "I"  # all 50 with records count in (a)
    other_reading = copy.deepcopy(ARTICLE_4)
    other_reading["a_counts_exempt"] = False
    assert classify(counts, other_reading).met["I"] == ["b", "c"]


def test_the_at_least_rule_is_data_too():
    counts = Counts(10000, 50, harbouring_places=2)  # two criteria of type I (and two of type II)
    assert classify(counts, ARTICLE_4).type == "III"
    relaxed = copy.deepcopy(ARTICLE_4)
    relaxed["types"][0]["at_least"] = 2
    assert classify(counts, relaxed).type == "I"


def test_without_the_higher_band_reading_a_value_meets_only_its_own_band():
    strict = copy.deepcopy(ARTICLE_4)
    strict["higher_band_meets_lower"] = False
    counts = Counts(10000, 60, harbouring_places=3, offenders_arrested=12)
    assert classify(counts, strict).type == "I"
    assert classify(counts, strict).met["II"] == []


# --- KMT-1..3 are computed from the counts (the services write them; the commune never claims) --------


@pytest.mark.django_db
def test_kmt_criteria_and_the_type_are_computed_when_the_counts_are_saved(new_units, official):
    from django.core.management import call_command

    from assessments import services
    from assessments.models import CriteriaSet, Dossier
    from communes.models import Role

    call_command("loaddata", "criteria_qd28_2025", verbosity=0)
    my_ly = new_units["16816"]
    police = official(Role.COMMUNE_POLICE, my_ly)
    dossier = Dossier.objects.create(
        commune=my_ly, year=2026, criteria_set=CriteriaSet.objects.get(code="qd28-2025")
    )
    base = dict(
        population=5000,
        users_with_records=3,
        users_substitution=2,
        users_community_rehab=1,
        users_post_rehab=0,
        resident_violators=0,
        wanted_fugitives=0,
        harbouring_places=0,
        offenders_arrested=0,
        drug_plants=0,
        drug_plant_area=Decimal(0),
        on_key_route=False,
        attested_by="Thiếu tá Lô Văn A",
    )

    def met(values):
        saved = services.self_assessment_save(dossier=dossier, actor=police, answers={}, counts=values)
        answers = {a.criterion.code: a.is_met for a in saved.answers.select_related("criterion")}
        return answers, saved.situation().classification

    # Users in substitution treatment or rehab alone do not fail KMT-1.
    assert met(base) == ({"KMT-1": True, "KMT-2": True, "KMT-3": True}, "III")
    # One user not exempt fails KMT-1.
    assert met({**base, "users_with_records": 4})[0]["KMT-1"] is False
    # A fugitive hiding there fails KMT-2; one place harbouring use fails KMT-3.
    assert met({**base, "wanted_fugitives": 1})[0]["KMT-2"] is False
    assert met({**base, "harbouring_places": 1})[0]["KMT-3"] is False
    # The commune cannot claim a value: what it sends for a computed criterion is ignored.
    kmt1 = dossier.criteria_set.criteria.get(code="KMT-1")
    saved = services.self_assessment_save(
        dossier=dossier,
        actor=police,
        answers={kmt1.pk: (Decimal(0), "không có")},
        counts={**base, "users_with_records": 4},
    )
    assert saved.answers.get(criterion=kmt1).value_number == 1


def test_every_type_the_criteria_sets_give_is_a_key_area_type_with_its_label():
    """The types are one TextChoices (KeyAreaType): the rules' codes are its values, and every page,
    export and document names a type by its label."""
    import json
    from pathlib import Path

    from assessments.classification import ARTICLE_4, KeyAreaType
    from assessments.models import SituationCounts

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    rules = [ARTICLE_4] + [
        o["fields"]["classification_rules"]
        for f in fixtures.glob("criteria_*.json")
        for o in json.loads(f.read_text())
        if o["model"] == "assessments.criteriaset" and o["fields"].get("classification_rules")
    ]
    codes = {t["code"] for r in rules for t in r["types"]}
    assert codes and codes <= set(KeyAreaType.values)
    assert SituationCounts(classification="II").classification_display == "Địa bàn trọng điểm loại II"
    assert SituationCounts(classification="").classification_display == "Không thuộc địa bàn trọng điểm"
