"""Guardian wiring: which object permissions each role holds on its unit, and how they are checked.

Permissions live on the unit (commune, district, province), granted to one group per unit and role
with guardian's `assign_perm`. Every check in the product reads guardian's object-permission rows:
`unit_grants` fetches the user's rows once per request and answers what guardian's `has_perm(perm, unit)`
and `get_objects_for_user` answer (a test holds them equal for every role), with one rule on top: a role
group's rows count for a user only while one of their posts that puts them in it is active, read at the
moment of the check, so an ended post grants nothing even before the nightly `posts sync` takes the
user out of the group. The province-wide roles are a queryset scope over one Province row.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import ROLE_LEVEL, AdministrativeUnit, Commune, District, Post, Province, Role, UnitQuerySet

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMUNE_OFFICER: ["view_commune_dossiers", "prepare_commune_dossiers"],
    Role.DISTRICT_POLICE: ["view_district_dossiers", "appraise_district_dossiers"],
    Role.DISTRICT_CHAIR: ["view_district_dossiers", "decide_district_dossiers"],
    Role.DISTRICT_CLERK: ["view_district_dossiers", "keep_register"],
    Role.PROVINCIAL_CLERK: ["view_province_dossiers", "keep_register", "record_decisions"],
    Role.POLICE_CLERK: ["view_province_dossiers", "keep_police_register"],
    Role.COMMUNE_POLICE: ["view_commune_dossiers", "prepare_commune_dossiers"],
    Role.COMMUNE_CHAIR: ["view_commune_dossiers", "submit_commune_reports"],
    Role.PROVINCIAL_POLICE: [
        "view_province_dossiers",
        "manage_criteria",
        "appraise_province_dossiers",
        "manage_cycles",
    ],
    Role.COUNCIL_MEMBER: ["view_province_dossiers", "sit_on_council"],
    Role.COUNCIL_SECRETARY: ["view_province_dossiers", "sit_on_council", "keep_council_minutes"],
    Role.PROVINCIAL_CHAIR: ["view_province_dossiers", "decide_province_dossiers"],
    Role.PROVINCIAL_VICE_CHAIR: ["view_province_dossiers", "decide_province_dossiers"],
    # Read-only, on every province (granted on each Province row, like any other role).
    Role.MINISTRY_VIEWER: ["view_province_dossiers"],
    Role.PROVINCIAL_VIEWER: ["view_province_dossiers"],
    Role.ADMIN: ["view_province_dossiers", "manage_criteria", "record_decisions"],
}


UNIT_MODELS = (Province, District, Commune)


def role_group_name(role: str, unit: AdministrativeUnit | None) -> str:
    """One group per role and unit. The unit's primary key is in the name: a GSO code is reused by the
    unit that replaced it (1 July 2025), and the two must never share a group."""
    if unit is None:
        return f"{ROLE_LEVEL[role]}:{role}"
    return f"{ROLE_LEVEL[role]}:{unit.pk}:{unit.code}:{role}"


def role_units(role: str, unit: AdministrativeUnit | None) -> list[AdministrativeUnit]:
    """The units a role group holds its permissions on: its own unit, or every province for the
    Ministry's viewer."""
    if unit is None:
        return list(Province.objects.all())
    return [unit]


def ensure_role_group(role: str, unit: AdministrativeUnit | None) -> Group:
    """The group of `role` in `unit`, holding exactly the role's object permissions on the unit."""
    group, _ = Group.objects.get_or_create(name=role_group_name(role, unit))
    for target in role_units(role, unit):
        for codename in ROLE_PERMISSIONS[role]:
            assign_perm(f"communes.{codename}", group, target)
    return group


def country_roles_grant(*, provinces: list[Province]) -> None:
    """The roles that see every province (the Ministry's viewer) get their permissions on `provinces`,
    in the caller's transaction: a province loaded later is seen at once, not after the nightly sync.
    A role no one holds yet has no group; its first post grants every province."""
    if not provinces:
        return
    for role, level in ROLE_LEVEL.items():
        if level != "country":
            continue
        group = Group.objects.filter(name=role_group_name(role, None)).first()
        if group is None:
            continue
        for codename in ROLE_PERMISSIONS[role]:
            # guardian assigns on a list of objects at once (its stubs name one object only)
            assign_perm(f"communes.{codename}", group, list(provinces))  # type: ignore[arg-type]
        # Assigned in bulk, without signals: the members' grants version moves here.
        grants_changed(user_ids=group.user_set.values("pk"))


# What a post of a unit that ceased still grants after the unit's `valid_until` (F17): reading its
# dossiers, the history. Every other permission is an action, and ends with the unit.
READ_PERMISSIONS = frozenset({"view_commune_dossiers", "view_district_dossiers", "view_province_dossiers"})


def held_groups(user_ref) -> Q:
    """The condition on a group (as `group`) that its actions count for `user_ref` (a user or an
    OuterRef): a group no post manages counts as guardian says; a role group counts only through an
    active post of that user whose unit still exists (Post.objects.serving)."""
    return ~Exists(Post.objects.filter(group=OuterRef("group"))) | Exists(
        Post.objects.serving().filter(user=user_ref, group=OuterRef("group"))
    )


def unit_grants(user) -> dict[tuple[str, str], frozenset[int]]:
    """Every object permission `user` holds on units, as {(model name, codename): unit pks}.

    These are guardian's own rows (direct and through the user's groups: what its `has_perm` and
    `get_objects_for_user` read), fetched in one query and remembered on the user object, so a page
    that checks ten permissions on a dozen units asks the database once. Equality with guardian's
    answers for every role is a test (tests/communes/test_permissions.py)."""
    grants = user.__dict__.get("_unit_grants")
    if grants is not None:
        return grants
    day = timezone.localdate()
    # Kept per process only for a user row read by this request (`version_read`): an object held
    # across writes (a service's caller, a task) may carry a version older than its grants.
    fresh = getattr(user, "_version_read", False)
    key = (user.pk, getattr(user, "grants_version", 0), day, user.is_active, user.is_superuser)
    grants = _GRANTS.get(key) if fresh else None
    if grants is not None:
        user.__dict__["_unit_grants"] = grants
        return grants
    found: dict[tuple[str, str], set[int]] = {}
    if user.is_authenticated and user.is_active and not user.is_superuser:
        types = ContentType.objects.get_for_models(*UNIT_MODELS)  # cached by Django after the first
        names = {ct.pk: str(model._meta.model_name) for model, ct in types.items()}
        reads = sorted(READ_PERMISSIONS)
        with connection.cursor() as cursor:
            cursor.execute(
                _grants_sql(len(names), len(reads)),
                [user.pk, *names, day, day, user.pk, *reads, day, *names, user.pk],
            )
            for type_id, codename, object_pk in cursor.fetchall():
                found.setdefault((names[type_id], codename), set()).add(int(object_pk))
    grants = {name: frozenset(pks) for name, pks in found.items()}
    user.__dict__["_unit_grants"] = grants
    if fresh and user.pk is not None:
        _GRANTS[key] = grants
        while len(_GRANTS) > _GRANTS_KEPT:
            _GRANTS.popitem(last=False)
    return grants


# Per process: (user, grants version, day, active, superuser) -> the user's grants. The version is read
# with the user's row on every request and changes in the transaction of every change to what grants
# them (their posts and groups, the groups' and their own object permissions, their units' dates), so an
# entry is never stale; the day is in the key because posts and units start and end on days.
_GRANTS: OrderedDict[tuple, dict[tuple[str, str], frozenset[int]]] = OrderedDict()
_GRANTS_KEPT = 2000


def version_read(user) -> None:
    """`user` was read from the database for this request (its grants version is current): what is kept
    per process under that version may be used for it (the sign-in middleware's user)."""
    if getattr(user, "is_authenticated", False):  # evaluates the request's lazy user
        getattr(user, "_wrapped", user).__dict__["_version_read"] = True


def grants_changed(*, user_ids) -> None:
    """What grants these users changed: what is kept under their grants version is stale (one UPDATE, in
    the caller's transaction)."""
    get_user_model().objects.filter(pk__in=user_ids).update(grants_version=F("grants_version") + 1)


@functools.cache
def _grants_sql(type_count: int, read_count: int) -> str:
    """The rows `unit_grants` reads, as one SQL statement written once per process: the same rows as
    guardian's (through the user's groups, and direct) with `held_groups`' rule on role groups. This is
    the one query every page runs; composing it through the ORM cost more than running it. (Its answers
    equal guardian's for every role: tests/communes/test_permissions.py; dates: test_post_dates.py.)"""
    group_perms = get_group_obj_perms_model()._meta.db_table
    user_perms = get_user_obj_perms_model()._meta.db_table
    memberships = get_user_model().groups.through._meta.db_table
    permissions = Permission._meta.db_table
    posts = Post._meta.db_table
    units = {
        level: model._meta.db_table
        for level, model in (("province", Province), ("district", District), ("commune", Commune))
    }
    types = ", ".join(["%s"] * type_count)
    reads = ", ".join(["%s"] * read_count)
    return f"""
        SELECT gp.content_type_id, p.codename, gp.object_pk
        FROM {group_perms} gp
        JOIN {permissions} p ON p.id = gp.permission_id
        JOIN {memberships} m ON m.group_id = gp.group_id AND m.user_id = %s
        WHERE gp.content_type_id IN ({types})
          AND (
            EXISTS (SELECT 1 FROM {posts} a
                    LEFT JOIN {units["province"]} pv ON pv.id = a.province_id
                    LEFT JOIN {units["district"]} d ON d.id = a.district_id
                    LEFT JOIN {units["commune"]} c ON c.id = a.commune_id
                    WHERE a.group_id = gp.group_id
                    AND a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on > %s) AND a.user_id = %s
                    -- a post of a unit that ceased reads, and does nothing else (F17)
                    AND (p.codename IN ({reads})
                         OR COALESCE(pv.valid_until, d.valid_until, c.valid_until) IS NULL
                         OR COALESCE(pv.valid_until, d.valid_until, c.valid_until) >= %s))
            OR NOT EXISTS (SELECT 1 FROM {posts} b WHERE b.group_id = gp.group_id)
          )
        UNION
        SELECT up.content_type_id, p.codename, up.object_pk
        FROM {user_perms} up
        JOIN {permissions} p ON p.id = up.permission_id
        WHERE up.content_type_id IN ({types}) AND up.user_id = %s
    """


def forget_grants(user) -> None:
    """After a change to what grants the user: the next check reads them again (the user's grants version
    read again too, as the next request would)."""
    user.__dict__.pop("_unit_grants", None)
    if user.pk is not None:
        version = get_user_model().objects.filter(pk=user.pk).values_list("grants_version", flat=True).first()
        user.grants_version = version or 0


def has_unit_perm(user, codename: str, unit: AdministrativeUnit) -> bool:
    """Guardian's object check on `unit` (active superusers pass, like guardian's checker)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return unit.pk in unit_grants(user).get((str(unit._meta.model_name), codename), ())


def serves_in(user, unit: AdministrativeUnit) -> bool:
    """Holds an active post in `unit` today, the unit still existing (F17): who signs for its body. A
    signer recorded on a document signs it only while serving."""
    if not user.is_authenticated or not user.is_active:
        return False
    level = str(unit._meta.model_name)
    return Post.objects.serving().filter(user=user, **{level: unit}).exists()


def can_view_commune(user, commune: Commune) -> bool:
    """May see the commune's dossiers: its own officers, its district's staff, the province, or the
    officers of a unit that replaced it (its history: they read, never act)."""
    if (
        has_unit_perm(user, "view_commune_dossiers", commune)
        or (commune.district is not None and has_unit_perm(user, "view_district_dossiers", commune.district))
        or has_unit_perm(user, "view_province_dossiers", commune.province)
    ):
        return True
    seen = unit_grants(user).get(("commune", "view_commune_dossiers"))
    if not seen:
        return False
    return commune.successors.filter(pk__in=seen).exists()


def units_with_perm(user, codename: str, model) -> QuerySet:
    """The units on which `user` holds `codename` (what guardian's get_objects_for_user answers), as a
    queryset over their primary keys; empty, it makes no query at all."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if user.is_superuser:
        return model.objects.all()
    pks = unit_grants(user).get((model._meta.model_name, codename))
    return model.objects.filter(pk__in=sorted(pks)) if pks else model.objects.none()


def holders_of(codename: str, unit: AdministrativeUnit) -> QuerySet:
    """The active users who hold `codename` on `unit` now: directly, or through a group that an active
    post puts them in (the same rule as `unit_grants`). Who is notified is who may act."""
    content_type = ContentType.objects.get_for_model(type(unit))
    rows = {"permission__codename": codename, "content_type": content_type, "object_pk": str(unit.pk)}
    group_rows = (
        get_group_obj_perms_model()
        ._default_manager.filter(**rows, group__user=OuterRef("pk"))
        .filter(held_groups(OuterRef(OuterRef("pk"))))
    )
    direct_rows = get_user_obj_perms_model()._default_manager.filter(**rows, user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(group_rows.values("pk")) | Exists(direct_rows))
    )


def scope_key(user) -> str:
    """Users holding the same object permissions see the same lists and figures: a short key for
    caching what they see (`communes.fragments`)."""
    if user.is_superuser:
        return "all"
    grants = unit_grants(user)
    text = ";".join(
        f"{model}.{codename}:{','.join(map(str, sorted(pks)))}"
        for (model, codename), pks in sorted(grants.items())
    )
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _viewed_ids(user) -> tuple[list[int], list[int], list[int]] | None:
    """The pks of the provinces, districts and communes on which `user` may see dossiers (from the
    grants), or None for a superuser (every unit)."""
    if user.is_superuser and user.is_active:
        return None
    if not user.is_authenticated or not user.is_active:
        return [], [], []
    grants = unit_grants(user)
    provinces, districts, communes = (
        sorted(grants.get((model, f"view_{model}_dossiers"), ()))
        for model in ("province", "district", "commune")
    )
    return provinces, districts, communes


def _any_of(conditions: list[Q], *, prefix: str = "") -> Q:
    """Any of `conditions`; a condition matching nothing when there is none (a user without a grant)."""
    return functools.reduce(operator.or_, conditions) if conditions else Q(**{f"{prefix}pk__in": []})


def districts_visible_to(user) -> UnitQuerySet[District]:
    """Every district with a commune whose dossiers `user` may see, straight from the grants (no scan of
    the communes for a province-wide user)."""
    ids = _viewed_ids(user)
    if ids is None:
        return District.objects.all()
    provinces, districts, communes = ids
    # The grants' pks written into the query (no subquery over the grants: less to build and to plan).
    conditions = [Q(province_id__in=provinces)] if provinces else []
    if districts:
        conditions.append(Q(pk__in=districts))
    if communes:
        conditions.append(Q(pk__in=Commune.objects.filter(pk__in=communes).values("district")))
        conditions.append(Q(pk__in=Commune.objects.filter(successors__in=communes).values("district")))
    return District.objects.filter(_any_of(conditions))


def communes_visible_to(user) -> UnitQuerySet[Commune]:
    """Every commune whose dossiers `user` may see, as one query: in their province or district, their
    own, and the units their own replaced (read-only history)."""
    condition = commune_scope_q(user)
    return Commune.objects.all() if condition is None else Commune.objects.filter(condition)


def commune_scope_q(user, *, prefix: str = "") -> Q | None:
    """`communes_visible_to` as a condition on a commune (under `prefix`: "commune__" on a dossier), so
    that a query already joined to the commune filters it there: the dossiers of a scope read that way
    took PostgreSQL 0.6 ms to plan, against 2.7 ms as a semi-join on the scope's communes. None: every
    commune (a superuser); a condition matching none for a user without a grant."""
    ids = _viewed_ids(user)
    if ids is None:
        return None
    provinces, districts, own = ids
    conditions = [Q(**{f"{prefix}province_id__in": provinces})] if provinces else []
    if districts:
        conditions.append(Q(**{f"{prefix}district_id__in": districts}))
    if own:
        conditions.append(Q(**{f"{prefix}pk__in": own}))
        replaced = Commune.predecessors.through.objects.filter(from_commune__in=own).values("to_commune")
        conditions.append(Q(**{f"{prefix}pk__in": replaced}))
    return _any_of(conditions, prefix=prefix)


# --- what an official may see or do across units, by name (the views ask these, not codenames) ------


def follows_province(user, province: Province) -> bool:
    """Whether the official follows the province's dossiers (its pages, dashboards, cycles, council)."""
    return has_unit_perm(user, "view_province_dossiers", province)


def provinces_followed(user) -> QuerySet:
    """The provinces whose dossiers the official follows."""
    return units_with_perm(user, "view_province_dossiers", Province)


def province_officials(province: Province) -> QuerySet:
    """The officials who follow the province (those who may hold a seat on its council)."""
    return holders_of("view_province_dossiers", province)


def communes_prepared_by(user) -> QuerySet:
    """The communes whose dossiers the official prepares (opens, fills)."""
    return units_with_perm(user, "prepare_commune_dossiers", Commune)


def sends_commune_reports(user) -> bool:
    """Whether the official signs and sends a commune's report (the commune chair, from 2025)."""
    return units_with_perm(user, "submit_commune_reports", Commune).exists()


def keeps_a_register(user) -> bool:
    """Whether the official keeps the register of a district's or a province's People's Committee."""
    return any(units_with_perm(user, "keep_register", model).exists() for model in (District, Province))


def decides_for_a_district(user) -> bool:
    """Whether the official decides dossiers of a district (the district procedure)."""
    return units_with_perm(user, "decide_district_dossiers", District).exists()


def decides_for_province(user, province: Province) -> bool:
    """Whether the official decides the province's dossiers (its chairman or a vice-chairman)."""
    return has_unit_perm(user, "decide_province_dossiers", province)


def can_manage_cycles(user, province: Province) -> bool:
    """The provincial police open the year's cycle, assign communes, run the council as its standing body."""
    return has_unit_perm(user, "manage_cycles", province)


def provinces_managing_cycles(user) -> QuerySet:
    return units_with_perm(user, "manage_cycles", Province)


def can_retry_documents(user, province: Province) -> bool:
    """Who prepares again the province's failed documents and requests its summaries: the provincial
    police (who also keep its criteria sets)."""
    return has_unit_perm(user, "manage_criteria", province)
