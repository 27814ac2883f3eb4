import io

import pytest
from django.core.management import call_command

from communes.models import Commune, District, Post, Province, Role
from communes.permissions import can_view_commune, communes_visible_to, has_unit_perm
from communes.services import post_create, post_end
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _border_units_alone(only_border_units):
    """These tests count posts and units: the border fixture's units, no reference officials."""


@pytest.fixture
def ky_son(border_units):
    return District.objects.get(code="417")


@pytest.fixture
def thanh_chuong(border_units):
    return District.objects.get(code="428")


@pytest.mark.district_clock
@pytest.mark.django_db
def test_a_district_police_post_grants_appraisal_in_that_district_only(ky_son, thanh_chuong):
    user = UserFactory()
    post_create(user=user, role=Role.DISTRICT_POLICE, unit=ky_son)

    assert has_unit_perm(user, "appraise_district_dossiers", ky_son)
    assert not has_unit_perm(user, "appraise_district_dossiers", thanh_chuong)
    assert not has_unit_perm(user, "decide_district_dossiers", ky_son)
    assert user.has_perm("communes.appraise_district_dossiers", ky_son)
    # Object permission only: no global grant that would open every district.
    assert not user.has_perm("communes.appraise_district_dossiers")


@pytest.mark.django_db
def test_ending_a_post_revokes_its_permissions(ky_son):
    user = UserFactory()
    post = post_create(user=user, role=Role.DISTRICT_CHAIR, unit=ky_son)
    post_end(post=post)

    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert not user.has_perm("communes.decide_district_dossiers", ky_son)
    assert user.groups.count() == 0


@pytest.mark.django_db
def test_ending_one_of_two_identical_posts_keeps_the_permission(ky_son):
    user = UserFactory()
    first = post_create(user=user, role=Role.DISTRICT_POLICE, unit=ky_son)
    post_create(user=user, role=Role.DISTRICT_POLICE, unit=ky_son)
    post_end(post=first)

    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("communes.appraise_district_dossiers", ky_son)


@pytest.mark.django_db
def test_posts_share_one_group_per_unit_and_role(ky_son):
    a, b = UserFactory(), UserFactory()
    post_create(user=a, role=Role.DISTRICT_POLICE, unit=ky_son)
    post_create(user=b, role=Role.DISTRICT_POLICE, unit=ky_son)
    assert a.groups.get() == b.groups.get()
    assert a.groups.get().name == f"district:{ky_son.pk}:417:district_police"


@pytest.mark.django_db
def test_a_role_must_sit_in_a_unit_of_its_level(ky_son):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        post_create(user=UserFactory(), role=Role.COMMUNE_OFFICER, unit=ky_son)
    assert Post.objects.count() == 0


@pytest.mark.django_db
def test_scope_of_each_role(official, border_units, ky_son):
    my_ly = border_units["16816"]
    province = Province.objects.get(code="40")

    commune_officer = official(Role.COMMUNE_OFFICER, my_ly)
    police = official(Role.DISTRICT_POLICE, ky_son)
    viewer = official(Role.PROVINCIAL_VIEWER, province)

    assert set(communes_visible_to(commune_officer)) == {my_ly}
    assert set(communes_visible_to(police)) == set(Commune.objects.filter(district=ky_son))
    assert communes_visible_to(viewer).count() == Commune.objects.count() == 27 + 21
    assert can_view_commune(police, my_ly)
    assert not can_view_commune(police, border_units["17722"])  # Hạnh Lâm, Thanh Chương


@pytest.mark.django_db
def test_the_dossiers_of_a_scope_are_filtered_on_their_own_commune(official, border_units, ky_son):
    """The same dossiers as a semi-join on the scope's communes, without one: the query already joins
    the dossier's commune (PostgreSQL planned the semi-join in 2.7 ms, the join's filter in 0.6)."""
    from assessments.models import Dossier
    from assessments.selectors import dossiers_visible_to
    from tests.factories import DossierFactory

    my_ly = border_units["16816"]
    for commune in (my_ly, border_units["16819"], border_units["17722"]):  # two in Kỳ Sơn, Hạnh Lâm
        DossierFactory(commune=commune, year=2024)
    for user in (
        official(Role.COMMUNE_OFFICER, my_ly),
        official(Role.DISTRICT_POLICE, ky_son),
        official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40")),
    ):
        listed = dossiers_visible_to(user=user).select_related("commune")
        assert set(listed) == set(Dossier.objects.filter(commune__in=communes_visible_to(user)))
        assert 'FROM "communes_commune" U0' not in str(listed.query)  # no subquery over the communes
    assert not dossiers_visible_to(user=official(Role.COMMUNE_OFFICER, my_ly)).exclude(commune=my_ly).exists()


@pytest.mark.django_db
def test_official_of_ky_son_gets_404_on_a_commune_of_thanh_chuong(client, official, ky_son, border_units):
    client.force_login(official(Role.DISTRICT_POLICE, ky_son))

    assert client.get(f"/units/{border_units['16816'].pk}/").status_code == 200  # Mỹ Lý, Kỳ Sơn
    assert client.get(f"/units/{border_units['17722'].pk}/").status_code == 404  # Hạnh Lâm, Thanh Chương


@pytest.mark.django_db
def test_unit_list_shows_only_my_district(client, official, ky_son):
    client.force_login(official(Role.DISTRICT_POLICE, ky_son))
    content = client.get("/units/").content.decode()
    assert "Xã Mỹ Lý" in content
    assert "Xã Hạnh Lâm" not in content


@pytest.mark.django_db
def test_signed_in_user_without_a_post_sees_only_the_no_post_page(client, border_units):
    client.force_login(UserFactory())

    for url in ("/", "/units/", "/units/16816/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Chưa được giao chức vụ" in response.content.decode()
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.django_db
def test_posts_command_adds_and_ends_posts(ky_son):
    user = UserFactory(username="canbo")
    out = io.StringIO()
    call_command("posts", "add", "canbo", "district_chair", "417", "--title", "Chủ tịch", stdout=out)
    post = Post.objects.get(user=user)
    assert user.has_perm("communes.decide_district_dossiers", ky_son)

    call_command("posts", "end", str(post.pk), stdout=out)
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("communes.decide_district_dossiers", ky_son)


@pytest.mark.django_db
def test_admin_creates_a_post_with_its_permissions(admin_client, ky_son):
    user = UserFactory()
    response = admin_client.post(
        "/admin/communes/post/add/",
        {
            "user": user.pk,
            "role": "district_police",
            "district": ky_son.pk,
            "title": "Cán bộ",
            "started_on": "2024-01-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user.has_perm("communes.appraise_district_dossiers", ky_son)


@pytest.mark.django_db
def test_admin_refuses_a_post_whose_unit_does_not_match_the_role(admin_client, ky_son):
    user = UserFactory()
    response = admin_client.post(
        "/admin/communes/post/add/",
        {
            "user": user.pk,
            "role": "commune_officer",
            "district": ky_son.pk,
            "started_on": "2024-01-02",
        },
    )
    assert response.status_code == 200
    assert Post.objects.count() == 0
