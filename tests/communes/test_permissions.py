"""The grants read once per request answer exactly what guardian answers, for every role."""

import pytest
from guardian.shortcuts import assign_perm, get_objects_for_user

from communes.models import ROLE_LEVEL, Commune, District, Province, Role
from communes.permissions import ROLE_PERMISSIONS, has_unit_perm, scope_key, unit_grants, units_with_perm
from communes.services import post_create, post_end
from tests.factories import UserFactory

CODENAMES = {
    Province: ["view_province_dossiers", "manage_criteria", "decide_province_dossiers"],
    District: ["view_district_dossiers", "appraise_district_dossiers", "decide_district_dossiers"],
    Commune: ["view_commune_dossiers", "prepare_commune_dossiers"],
}


def unit_of(role, border_units):
    my_ly = border_units["16816"]
    if ROLE_LEVEL[role] == "commune" and my_ly.__class__.objects.filter(code="16816", district__isnull=True):
        # The roles of the procedure in force work in the new unit (same code, another row).
        if role in (Role.COMMUNE_POLICE, Role.COMMUNE_CHAIR):
            return my_ly.__class__.objects.get(code="16816", district__isnull=True)
    return {
        "commune": my_ly,
        "district": my_ly.district,
        "province": my_ly.district.province,
        "country": None,
    }[ROLE_LEVEL[role]]


def assert_same_as_guardian(user):
    fresh = type(user).objects.get(pk=user.pk)  # guardian's own checks, without our remembered grants
    for model, codenames in CODENAMES.items():
        for codename in codenames:
            expected = set(
                get_objects_for_user(fresh, f"communes.{codename}", model, accept_global_perms=False)
            )
            assert set(units_with_perm(user, codename, model)) == expected, (model, codename)
            for unit in model.objects.all():
                assert has_unit_perm(user, codename, unit) == fresh.has_perm(f"communes.{codename}", unit), (
                    codename,
                    unit,
                )


@pytest.mark.district_clock
@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_every_role_is_granted_what_guardian_grants(role, border_units):
    user = UserFactory()
    post_create(user=user, role=role, unit=unit_of(role, border_units))
    assert_same_as_guardian(user)


@pytest.mark.django_db
def test_a_permission_assigned_to_the_user_directly_counts_too(border_units):
    user = UserFactory()
    assign_perm("communes.view_commune_dossiers", user, border_units["17722"])
    assert_same_as_guardian(user)
    assert has_unit_perm(user, "view_commune_dossiers", border_units["17722"])


@pytest.mark.district_clock
@pytest.mark.django_db
def test_several_posts_and_no_post(border_units):
    user = UserFactory()
    assert unit_grants(user) == {}
    assert units_with_perm(user, "view_commune_dossiers", Commune).count() == 0
    user = type(user).objects.get(pk=user.pk)
    post_create(user=user, role=Role.COMMUNE_OFFICER, unit=border_units["16816"])
    post_create(user=user, role=Role.DISTRICT_POLICE, unit=border_units["17722"].district)
    assert_same_as_guardian(user)


@pytest.mark.django_db
def test_one_query_per_request_for_all_checks(border_units, django_assert_num_queries):
    user = UserFactory()
    post_create(user=user, role=Role.DISTRICT_POLICE, unit=border_units["16816"].district)
    user = type(user).objects.get(pk=user.pk)
    communes = list(Commune.objects.filter(district__isnull=False).select_related("district__province"))
    with django_assert_num_queries(1):
        for commune in communes:
            has_unit_perm(user, "view_commune_dossiers", commune)
            has_unit_perm(user, "appraise_district_dossiers", commune.district)
            has_unit_perm(user, "view_province_dossiers", commune.district.province)


@pytest.mark.district_clock
@pytest.mark.django_db
def test_ending_a_post_takes_effect_on_the_same_user_object(border_units):
    user = UserFactory()
    district = border_units["16816"].district
    post = post_create(user=user, role=Role.DISTRICT_POLICE, unit=district)
    assert has_unit_perm(user, "appraise_district_dossiers", district)
    post_end(post=post)
    assert not has_unit_perm(user, "appraise_district_dossiers", district)


@pytest.mark.django_db
def test_inactive_users_hold_nothing_and_superusers_everything(border_units):
    commune = border_units["16816"]
    inactive = UserFactory(is_active=False)
    post_create(user=inactive, role=Role.COMMUNE_OFFICER, unit=commune)
    assert not has_unit_perm(inactive, "view_commune_dossiers", commune)
    assert units_with_perm(inactive, "view_commune_dossiers", Commune).count() == 0

    root = UserFactory(is_superuser=True)
    assert has_unit_perm(root, "decide_district_dossiers", commune.district)
    assert units_with_perm(root, "view_commune_dossiers", Commune).count() == Commune.objects.count()


@pytest.mark.district_clock
@pytest.mark.django_db
def test_the_scope_key_is_shared_by_same_posts_and_differs_otherwise(border_units):
    district = border_units["16816"].district
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    post_create(user=a, role=Role.DISTRICT_POLICE, unit=district)
    post_create(user=b, role=Role.DISTRICT_POLICE, unit=district)
    post_create(user=c, role=Role.DISTRICT_CHAIR, unit=district)
    assert scope_key(a) == scope_key(b)
    assert scope_key(a) != scope_key(c)
