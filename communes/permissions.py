"""Guardian wiring: which object permissions each role holds on its unit, and how they are checked.

Permissions live on the unit (commune, district, province), granted to one group per unit and role.
Every check in the product is guardian's `has_perm(perm, unit)` or `get_objects_for_user`; the
province-wide roles are a queryset scope over one Province row, not thousands of rows.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user

from .models import ROLE_LEVEL, AdministrativeUnit, Commune, District, Province, Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMUNE_OFFICER: ["view_commune_dossiers", "prepare_commune_dossiers"],
    Role.DISTRICT_POLICE: ["view_district_dossiers", "appraise_district_dossiers"],
    Role.DISTRICT_CHAIR: ["view_district_dossiers", "decide_district_dossiers"],
    Role.PROVINCIAL_POLICE: ["view_province_dossiers", "manage_criteria"],
    Role.PROVINCIAL_VIEWER: ["view_province_dossiers"],
    Role.ADMIN: ["view_province_dossiers", "manage_criteria"],
}


def role_group_name(role: str, unit: AdministrativeUnit) -> str:
    return f"{ROLE_LEVEL[role]}:{unit.code}:{role}"


def ensure_role_group(role: str, unit: AdministrativeUnit) -> Group:
    """The group of `role` in `unit`, holding exactly the role's object permissions on the unit."""
    group, _ = Group.objects.get_or_create(name=role_group_name(role, unit))
    for codename in ROLE_PERMISSIONS[role]:
        assign_perm(f"communes.{codename}", group, unit)
    return group


def checker_for(user) -> ObjectPermissionChecker:
    """One guardian checker per user object, so a page asks the database once per unit, not per check."""
    checker = getattr(user, "_guardian_checker", None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        user._guardian_checker = checker
    return checker


def has_unit_perm(user, codename: str, unit: AdministrativeUnit) -> bool:
    """Guardian's object check, through the user's cached checker (active superusers pass)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return checker_for(user).has_perm(codename, unit)


def can_view_commune(user, commune: Commune) -> bool:
    """May see the commune's dossiers: its own officers, its district's staff, or the province."""
    district = commune.district
    return (
        has_unit_perm(user, "view_commune_dossiers", commune)
        or has_unit_perm(user, "view_district_dossiers", district)
        or has_unit_perm(user, "view_province_dossiers", district.province)
    )


def units_with_perm(user, codename: str, model) -> QuerySet:
    """The units on which `user` holds `codename` (guardian's get_objects_for_user), as a lazy
    queryset remembered on the user object, so one request resolves each permission once."""
    cache = user.__dict__.setdefault("_units_with_perm", {})
    key = (codename, model)
    if key not in cache:
        cache[key] = get_objects_for_user(user, f"communes.{codename}", model, accept_global_perms=False)
    return cache[key].all()


def communes_visible_to(user) -> QuerySet[Commune]:
    """Every commune whose dossiers `user` may see, as one query."""
    if not user.is_authenticated or not user.is_active:
        return Commune.objects.none()
    provinces = units_with_perm(user, "view_province_dossiers", Province)
    districts = units_with_perm(user, "view_district_dossiers", District)
    communes = units_with_perm(user, "view_commune_dossiers", Commune)
    return Commune.objects.filter(
        Q(district__province__in=provinces.values("pk"))
        | Q(district__in=districts.values("pk"))
        | Q(pk__in=communes.values("pk"))
    )
