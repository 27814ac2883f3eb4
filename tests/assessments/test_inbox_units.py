"""The inbox names each commune's parent as the units of the year have it: a district up to 30 June
2025, the province for the communes since; the district filter offers only the districts in place in
the year chosen, and none from 1 July 2025 on."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import DossierFactory
from tests.workflow import open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_eras(province_people):
    p = province_people
    open_cycle(p, 2026, assigned=[p.new_my_ly], today=datetime.date(2026, 3, 2))
    DossierFactory(commune=p.my_ly, year=2024)  # Xã Mỹ Lý of Huyện Kỳ Sơn, before the reform
    return p


def district_options(page: str) -> int:
    start = page.find('name="district"')
    return -1 if start < 0 else page[start : page.find("</select>", start)].count("<option") - 1


def test_2026_has_no_district_column_and_no_district_filter(two_eras, client):
    client.force_login(two_eras.provincial_police)
    page = client.get(reverse("home"), {"year": 2026}).content.decode()
    assert "Xã Mỹ Lý" in page
    assert '<th scope="col">Huyện</th>' not in page
    assert "<td>Tỉnh Nghệ An</td>" not in page
    assert district_options(page) == -1  # no district was in place at the end of 2026


def test_2024_lists_the_districts_of_2024_and_names_the_district(two_eras, client):
    client.force_login(two_eras.provincial_police)
    page = client.get(reverse("home"), {"year": 2024}).content.decode()
    assert '<th scope="col">Huyện</th>' in page and "<td>Huyện Kỳ Sơn</td>" in page
    assert district_options(page) > 0


def test_both_eras_say_a_unit_without_a_district_names_its_province(two_eras, client):
    client.force_login(two_eras.provincial_police)
    page = client.get(reverse("home")).content.decode()
    assert '<th scope="col">Huyện (tỉnh đối với đơn vị không có huyện)</th>' in page
    assert "<td>Huyện Kỳ Sơn</td>" in page and "<td>Tỉnh Nghệ An</td>" in page
