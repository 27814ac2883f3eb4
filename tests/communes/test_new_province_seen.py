"""F3: a province loaded after the Ministry viewer's account was not seen by it until the nightly
`posts sync`. However the province is created (the importer, seed_country, the admin), the country
roles hold their permissions on it in the same transaction."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from communes.models import Province
from communes.permissions import has_unit_perm

pytestmark = pytest.mark.django_db


def sees(viewer, province) -> bool:
    viewer = type(viewer).objects.get(pk=viewer.pk)  # a fresh user: no grants remembered
    return has_unit_perm(viewer, "view_province_dossiers", province)


def test_a_province_from_the_importer_is_seen_at_once(province_people, tmp_path):
    units = tmp_path / "ha_tinh.csv"
    units.write_text(
        "province_code,province_name,commune_code,commune_name,commune_type\n42,Tỉnh Hà Tĩnh,18073,Xã Sơn Kim 1,Xã\n",
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
        stdout=io.StringIO(),
    )
    assert sees(province_people.ministry, Province.objects.get(code="42"))


def test_provinces_from_seed_country_are_seen_at_once(province_people):
    call_command("seed_country", "--provinces", "2", "--units", "2", "--years", "1", stdout=io.StringIO())
    seeded = Province.objects.filter(name__startswith="Tỉnh Mô Phỏng")
    assert seeded.count() == 2
    assert all(sees(province_people.ministry, province) for province in seeded)


def test_a_province_added_in_the_admin_is_seen_at_once(province_people, admin_client, client):
    response = admin_client.post(
        reverse("admin:communes_province_add"), {"code": "44", "name": "Tỉnh Quảng Trị"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    quang_tri = Province.objects.get(code="44")
    assert sees(province_people.ministry, quang_tri)
    client.force_login(province_people.ministry)
    assert "Tỉnh Quảng Trị" in client.get(reverse("dashboard:national_year", args=[2026])).content.decode()
