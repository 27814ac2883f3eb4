"""The country and a province's cycle under Decision 28: the Ministry's viewer sees every province and
drills down to one; a province's officials see only theirs; the pages cost the same number of queries
at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Dossier, EvaluationCycle, SituationCounts
from communes.models import Commune, Province, Role
from tests.factories import DossierFactory, put_in_state

pytestmark = pytest.mark.django_db
NEW = datetime.date(2025, 7, 1)


def make_country(people, n_provinces: int, n_units: int, first: int = 0) -> list[Province]:
    """`n_provinces` synthetic provinces of `n_units` units each; in each, a third recognised, a third
    recommended, every unit reporting type III or none; a cycle with a 30 % target."""
    from assessments.models import CriteriaSet

    criteria_set = CriteriaSet.objects.filter(procedure="province").first()
    provinces = []
    for i in range(first, first + n_provinces):
        province = Province.objects.create(code=f"{90 - i:02d}", name=f"Tỉnh Thử {i + 1}")
        provinces.append(province)
        EvaluationCycle.objects.create(
            province=province,
            year=2026,
            criteria_set=criteria_set,
            target_percent=30,
            reports_due=datetime.date(2026, 12, 5),
            ministry_report_due=datetime.date(2026, 12, 19),
        )
        for j in range(n_units):
            commune = Commune.objects.create(
                code=f"{i + 1}{j:04d}",
                name=f"Xã {j + 1:03d}",
                kind="xa",
                province=province,
                valid_from=NEW,
                is_border=j % 5 == 0,
            )
            dossier = DossierFactory(commune=commune, year=2026, criteria_set=criteria_set)
            state = ["recognised", "recommended", "appraised"][j % 3]
            put_in_state([dossier], state)
            SituationCounts.objects.create(
                dossier=dossier, population=3000, classification="III" if j % 2 else ""
            )
    return provinces


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_ministry_sees_every_province_and_drills_down(client, province_people):
    p = province_people
    provinces = make_country(p, 2, 6)
    client.force_login(p.ministry)
    page = client.get(reverse("dashboard:national_year", args=[2026])).content.decode()
    for province in provinces:
        assert province.name in page
    assert "Tỉnh Thử 1" in page and ">6<" in page  # six units
    drill = client.get(reverse("dashboard:cycle_year", args=[2026]), {"province": provinces[0].code})
    text = drill.content.decode()
    assert drill.status_code == 200 and "Tỉnh Thử 1" in text
    assert ">2<" in text  # two recognised of six; 30 % of 6 is a target of 2


def test_a_provinces_officials_see_only_their_province(client, province_people):
    p = province_people
    provinces = make_country(p, 1, 3)
    client.force_login(p.provincial_police)
    page = client.get(reverse("dashboard:national_year", args=[2026])).content.decode()
    assert p.province.name in page and provinces[0].name not in page
    response = client.get(reverse("dashboard:cycle_year", args=[2026]), {"province": provinces[0].code})
    assert response.status_code == 404
    client.force_login(p.commune_police)
    assert client.get(reverse("dashboard:national_year", args=[2026])).status_code == 403


@pytest.mark.parametrize("page", ["dashboard:national_year", "dashboard:cycle_year"])
def test_the_pages_cost_the_same_queries_at_two_sizes(client, province_people, page, official):
    p = province_people
    small = make_country(p, 2, 20)
    client.force_login(p.ministry)
    url = reverse(page, args=[2026]) + (
        f"?province={small[0].code}" if page == "dashboard:cycle_year" else ""
    )
    client.get(url)  # the first page of a session also loads what later pages find in the cache
    at_small = queries_for(client, url)
    big = make_country(p, 2, 40, first=2)  # four provinces now, two of them of forty units
    url = reverse(page, args=[2026]) + (f"?province={big[0].code}" if page == "dashboard:cycle_year" else "")
    client.get(url)  # new provinces: the viewer's grants are read again once
    at_big = queries_for(client, url)
    assert at_small == at_big <= 15, (at_small, at_big)
    assert Role.MINISTRY_VIEWER


def test_a_second_province_loads_through_the_same_importer_and_its_officials_see_only_it(
    client, province_people, official, tmp_path
):
    """Nothing is Nghệ An's in the code: another province's units come from a file of the same layout,
    its officials see its units only, and the Ministry's viewer sees both provinces."""
    from django.core.management import call_command

    from communes.permissions import communes_visible_to

    p = province_people
    units = tmp_path / "ha_tinh_2025-07.csv"
    units.write_text(
        "province_code,province_name,commune_code,commune_name,commune_type\n"
        "42,Tỉnh Hà Tĩnh,18073,Xã Sơn Kim 1,Xã\n"
        "42,Tỉnh Hà Tĩnh,18077,Xã Sơn Kim 2,Xã\n",
        encoding="utf-8",
    )
    call_command(
        "import_admin_units",
        str(units),
        "--province",
        "42",
        "--province-name",
        "Tỉnh Hà Tĩnh",
        "--valid-from",
        "2025-07-01",
        stdout=open("/dev/null", "w"),
    )
    ha_tinh = Province.objects.get(code="42")
    assert ha_tinh.communes.count() == 2
    officer = official(Role.PROVINCIAL_POLICE, ha_tinh, username="ca_hatinh")
    seen = set(communes_visible_to(officer).values_list("province__code", flat=True))
    assert seen == {"42"}
    client.force_login(officer)
    page = client.get(reverse("dashboard:national_year", args=[2026])).content.decode()
    assert "Tỉnh Hà Tĩnh" in page and p.province.name not in page
    client.force_login(p.ministry)
    page = client.get(reverse("dashboard:national_year", args=[2026])).content.decode()
    assert "Tỉnh Hà Tĩnh" in page and p.province.name in page


def test_seed_demo_seeds_the_country_for_the_benchmarks(blank_database):
    from django.core.management import call_command

    from dashboard.selectors import national_rows

    call_command(
        "seed_demo", "--provinces", "3", "--units", "4", "--years", "2", stdout=open("/dev/null", "w")
    )
    provinces = list(Province.objects.order_by("code"))
    rows = national_rows(provinces=provinces, year=2026)
    assert [r["units"] for r in rows] == [4, 4, 4]
    assert Dossier.objects.filter(year__in=[2025, 2026]).count() == 24
    assert all(sum(r["classes"]) == 4 for r in rows)  # every unit reported a class (or none)
