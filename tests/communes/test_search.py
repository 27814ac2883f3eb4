import pytest

from communes.models import Commune, District
from communes.text import fold, search_key


def test_fold_removes_every_diacritic_including_d_bar():
    assert fold("Xã Nậm Cắn") == "xa nam can"
    assert fold("Đoọc Mạy") == "dooc may"


def test_search_key_treats_old_and_new_tone_placement_alike():
    assert search_key("Thị xã Thái Hoà") == search_key("Thị xã Thái Hòa")
    assert search_key("Phường Nghi Thuỷ") == search_key("Phường Nghi Thủy")
    # "oà" inside a syllable is not a tone-placement variant.
    assert search_key("Hoàng Mai") == "hoàng mai"


@pytest.mark.django_db
def test_unaccented_query_finds_both_nam_can(border_units):
    found = set(Commune.objects.search("Nam Can").values_list("code", flat=True))
    assert found == {"16837", "16873"}


@pytest.mark.django_db
def test_accented_query_finds_only_the_exact_commune(border_units):
    assert set(Commune.objects.search("Nậm Càn").values_list("code", flat=True)) == {"16873"}


@pytest.mark.django_db
def test_either_tone_placement_finds_the_registry_spelling():
    from django.core.management import call_command

    call_command("loaddata", "nghean_units", verbosity=0)
    assert District.objects.get(code="414").name == "Thị xã Thái Hoà"
    assert list(District.objects.search("Thái Hòa").values_list("code", flat=True)) == ["414"]
    assert list(District.objects.search("thai hoa").values_list("code", flat=True)) == ["414"]


@pytest.mark.django_db
def test_admin_search_matches_without_diacritics(admin_client, border_units):
    response = admin_client.get("/admin/communes/commune/", {"q": "Nam Can"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Xã Nậm Cắn" in content and "Xã Nậm Càn" in content
    assert "Xã Mỹ Lý" not in content


@pytest.mark.django_db
def test_admin_filters_communes_by_district_and_border(admin_client, border_units):
    district = District.objects.get(code="424")
    response = admin_client.get(
        "/admin/communes/commune/", {"district__id__exact": district.pk, "is_border__exact": 1}
    )
    content = response.content.decode()
    assert "Xã Phúc Sơn" in content and "Xã Mỹ Lý" not in content
