"""Query budgets at the province's full scale: the 460 units of 2020-2024 with four years of dossiers
(district procedure), the 130 units of July 2025 with their 2025 and 2026 dossiers (the procedure in
force): every page within 25 queries, computed (no cache) and for each kind of official."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from assessments import services
from assessments.models import Dossier
from communes.models import Commune, Role

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
pytestmark = pytest.mark.django_db


@pytest.fixture
def full_scale(province_people):
    p = province_people
    call_command("loaddata", "nghean_units", verbosity=0)
    call_command(
        "seed_demo", "--communes", "460", "--years", "4", "--last-year", "2024", stdout=io.StringIO()
    )
    new_units = list(Commune.objects.filter(valid_from="2025-07-01", province=p.province))
    assert len(new_units) == 130
    with time_machine.travel(datetime.date(2026, 3, 2), tick=False):
        for year, today in ((2025, datetime.date(2025, 8, 1)), (2026, datetime.date(2026, 3, 2))):
            services.cycle_open(
                province=p.province,
                year=year,
                actor=p.provincial_police,
                target_percent=Decimal(30),
                reports_due=datetime.date(year, 12, 5),
                ministry_report_due=datetime.date(year, 12, 19),
                assigned=new_units,
                today=today,
            )
    assert Dossier.objects.filter(year__gte=2025).count() == 260
    old = Dossier.objects.filter(year__lte=2024)
    assert set(old.values_list("year", flat=True)) == {2021, 2022, 2023, 2024} and old.count() > 1500
    return p


def test_every_page_stays_within_25_queries_at_full_scale(client, full_scale, django_assert_max_num_queries):
    p = full_scale
    new_dossier = Dossier.objects.get(commune=p.new_my_ly, year=2026)
    old_dossier = (
        Dossier.objects.filter(commune=p.my_ly, year=2024).first()
        or Dossier.objects.filter(year=2024).first()
    )
    cycle = new_dossier.cycle
    pages = [
        ("commune_police", reverse("home")),
        ("commune_police", reverse("assessments:dossier_detail", args=[new_dossier.pk])),
        ("commune_police", reverse("assessments:self_assessment", args=[new_dossier.pk])),
        ("commune_police", reverse("communes:commune_detail", args=[p.new_my_ly.pk])),
        ("commune_chair", reverse("home")),
        ("provincial_police", reverse("home")),
        ("provincial_police", reverse("assessments:cycles")),
        ("provincial_police", reverse("assessments:cycle_detail", args=[cycle.pk])),
        ("provincial_police", reverse("dashboard:dashboard") + "?year=2026"),
        ("provincial_police", reverse("dashboard:dashboard") + "?year=2024"),
        ("provincial_police", reverse("communes:commune_list") + "?period=all"),
        ("provincial_police", reverse("assessments:dossier_detail", args=[old_dossier.pk])),
        ("ministry", reverse("home")),
        ("ministry", reverse("dashboard:dashboard") + "?year=2026"),
        ("provincial_chair", reverse("home")),
        ("viewer", reverse("communes:commune_list")),
    ]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    over = []
    for who, url in pages:
        client.force_login(getattr(p, who))
        with override_settings(CACHES=NO_CACHE), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (who, url)
        if len(queries) > 25:
            over.append((who, url, len(queries)))
    assert over == []


def test_the_dashboard_of_2026_counts_the_130_units_not_the_units_they_replaced(client, full_scale):
    client.force_login(full_scale.provincial_police)
    with override_settings(CACHES=NO_CACHE):
        page = client.get(reverse("dashboard:dashboard"), {"year": 2026}).content.decode()
    assert "Trực thuộc tỉnh" in page
    from dashboard.selectors import communes_in_scope

    assert communes_in_scope(user=full_scale.provincial_police, year=2026).count() == 130
    assert communes_in_scope(user=full_scale.provincial_police, year=2024).count() == 460
    assert Role.MINISTRY_VIEWER  # the Ministry's viewer is among the pages above
