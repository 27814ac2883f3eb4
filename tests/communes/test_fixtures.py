import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from communes.models import Commune, District, Province


@pytest.fixture(autouse=True)
def _blank(blank_database):
    """These tests load the units themselves and count them: none of the reference world."""


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def read_border_csv():
    with open(SHARED_DATA / "nghean_border_communes.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.django_db
def test_border_fixture_loads_exactly_the_27_border_communes_with_their_official_names():
    call_command("loaddata", "border_communes", verbosity=0)

    expected = {row["commune_code"]: row["commune_name"] for row in read_border_csv()}
    loaded = dict(Commune.objects.filter(district__isnull=False).values_list("code", "name"))
    assert loaded == expected
    assert len(loaded) == 27
    assert Commune.objects.filter(is_border=True, district__isnull=False).count() == 27
    # and the 21 units they became on 1 July 2025, each linked to its border predecessors
    became = {row["new_2025_commune_code"]: row["new_2025_commune_name"] for row in read_border_csv()}
    new = Commune.objects.filter(district__isnull=True)
    assert dict(new.values_list("code", "name")) == became
    assert len(became) == 21
    assert Commune.predecessors.through.objects.count() == 27


@pytest.mark.django_db
def test_border_communes_lie_in_six_border_districts_with_the_published_counts():
    call_command("loaddata", "border_communes", verbosity=0)

    per_district = Counter(
        Commune.objects.filter(district__isnull=False).values_list("district__name", flat=True)
    )
    assert per_district == {
        "Huyện Kỳ Sơn": 11,
        "Huyện Quế Phong": 4,
        "Huyện Tương Dương": 4,
        "Huyện Con Cuông": 2,
        "Huyện Anh Sơn": 1,
        "Huyện Thanh Chương": 5,
    }
    assert set(District.objects.values_list("code", flat=True)) == {"417", "415", "418", "422", "424", "428"}
    assert District.objects.filter(is_border=True).count() == 6
    assert Province.objects.get().code == "40"


@pytest.mark.django_db
def test_loading_the_fixture_twice_changes_nothing():
    call_command("loaddata", "border_communes", verbosity=0)
    call_command("loaddata", "border_communes", verbosity=0)
    assert Commune.objects.count() == 27 + 21
    assert District.objects.count() == 6


@pytest.mark.django_db
def test_province_fixture_keeps_border_flags_and_covers_460_communes():
    call_command("loaddata", "border_communes", "nghean_units", verbosity=0)
    assert Commune.objects.count() == 460 + 52 + 130  # the units of 2020, of January 2025, of July 2025
    assert District.objects.count() == 21
    assert Commune.objects.filter(is_border=True, valid_from="2020-03-01").count() == 27
    assert Commune.objects.filter(is_border=True, valid_from="2025-07-01").count() == 21
    assert Commune.predecessors.through.objects.count() == 412
    # Names are stored NFC and searchable without diacritics even though loaddata saves raw.
    assert Commune.objects.get(code="16837", district__isnull=False).name_ascii == "xa nam can"
