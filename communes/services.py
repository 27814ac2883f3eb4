"""Writes on units and posts. Each function is one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record

from .models import ROLE_LEVEL, AdministrativeUnit, Commune, District, Post, Province
from .permissions import ensure_role_group, forget_grants, role_group_name

_UNIT_CLASS = {"commune": Commune, "district": District, "province": Province}


@transaction.atomic
def post_create(
    *,
    user,
    role: str,
    unit: AdministrativeUnit | None,
    title: str = "",
    started_on: datetime.date | None = None,
    actor=None,
) -> Post:
    """Give `user` a post of `role` in `unit`, and the guardian permissions that go with it."""
    level = ROLE_LEVEL[role]
    if (
        level == "country"
        and unit is not None
        or level != "country"
        and not isinstance(unit, _UNIT_CLASS[level])
    ):
        raise ValidationError(_("This role does not work in this kind of unit."))
    post = Post(user=user, role=role, title=title, started_on=started_on or timezone.localdate())
    if unit is not None:
        setattr(post, level, unit)
    post.full_clean()
    post.save()
    _sync_group_membership(post)
    audit_record(
        kind="post_created",
        actor=actor,
        username=getattr(actor, "username", "system"),
        detail=f"post {post.pk}: {user.username} {role} {_unit_label(unit)}",
    )
    return post


@transaction.atomic
def post_end(*, post: Post, ended_on: datetime.date | None = None, actor=None) -> Post:
    """End a post; the user loses the role's permissions unless another active post still grants them."""
    post.ended_on = ended_on or timezone.localdate()
    if post.ended_on < post.started_on:
        raise ValidationError(_("A post cannot end before it starts."))
    post.save(update_fields=["ended_on"])
    _sync_group_membership(post)
    audit_record(
        kind="post_ended",
        actor=actor,
        username=getattr(actor, "username", "system"),
        detail=f"post {post.pk}: {post.user.username} {post.role} {_unit_label(post.unit)} ended {post.ended_on}",
    )
    return post


def _unit_label(unit: AdministrativeUnit | None) -> str:
    return "*" if unit is None else f"{unit.code}#{unit.pk}"


def _sync_group_membership(post: Post) -> None:
    """The user is in the unit-role group exactly while an active post puts them there."""
    group = ensure_role_group(post.role, post.unit)
    if post.group_id != group.pk:
        post.group = group
        post.save(update_fields=["group"])
    level = ROLE_LEVEL[post.role]
    same_unit = {"province": None, "district": None, "commune": None}
    if level != "country":
        same_unit[level] = post.unit
    still_active = Post.objects.active().filter(user=post.user, role=post.role, **same_unit).exists()
    if still_active:
        post.user.groups.add(group)
    else:
        post.user.groups.remove(group)
    forget_grants(post.user)  # the grants remembered on this user object are now stale


def sync_all_posts(*, on: datetime.date | None = None) -> int:
    """Re-derive every role-group membership from posts (a post may start or end on a later date)."""
    changed = 0
    for post in Post.objects.select_related("user", "commune", "district", "province"):
        name = role_group_name(post.role, post.unit)
        before = post.user.groups.filter(name=name).exists()
        _sync_group_membership(post)
        if post.user.groups.filter(name=name).exists() != before:
            changed += 1
    return changed
