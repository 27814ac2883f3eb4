"""Writes on units and posts. Each function is one transaction."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record

from .models import (
    LEVEL_MODEL,
    ROLE_LEVEL,
    AdministrativeUnit,
    IssuingBody,
    Post,
    RegisterNumber,
)
from .permissions import ensure_role_group, forget_grants, role_group_name
from .selectors import register_number_used
from .signing import capacity_from_title

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def post_create(
    *,
    user,
    role: str,
    unit: AdministrativeUnit | None,
    title: str = "",
    capacity: str = "",
    started_on: datetime.date | None = None,
    actor: User | None = None,
) -> Post:
    """Give `user` a post of `role` in `unit`, and the guardian permissions that go with it. Its signing
    capacity is given, or read from its title ("Phó Chủ tịch": KT.)."""
    level = ROLE_LEVEL[role]
    if (
        level == "country"
        and unit is not None
        or level != "country"
        and not isinstance(unit, LEVEL_MODEL[level])
    ):
        raise ValidationError(_("This role does not work in this kind of unit."))
    post = Post(
        user=user,
        role=role,
        title=title,
        capacity=capacity or capacity_from_title(title),
        started_on=started_on or timezone.localdate(),
    )
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
def post_end(*, post: Post, ended_on: datetime.date | None = None, actor: User | None = None) -> Post:
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
    same_unit: dict[str, AdministrativeUnit | None] = {"province": None, "district": None, "commune": None}
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


# --- issuing bodies and their registers (sổ đăng ký văn bản) ----------------------------------------


class RegisterError(Exception):
    """A number or a date the register cannot take; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def issuing_body_for(*, unit: AdministrativeUnit, kind: str) -> IssuingBody:
    """The People's Committee or the police command of `unit`, made on first use with the defaults of
    its kind and level (communes.registers: its numbering and its symbols, copied onto the body);
    provincial staff change its mode and symbols in the admin."""
    from communes.registers import body_defaults, defaults_key
    from communes.text import in_sentence

    level = str(unit._meta.model_name)
    if kind == IssuingBody.Kind.PEOPLE_COMMITTEE:
        code, name = unit.code, f"Ủy ban nhân dân {in_sentence(unit.name)}"
    else:
        code, name = f"CA-{unit.code}", f"Công an {in_sentence(unit.name)}"
    body = IssuingBody.objects.filter(code=code).first()
    if body is not None:
        return body
    defaults = body_defaults(defaults_key(kind=kind, level=level))
    try:
        with transaction.atomic():
            return IssuingBody.objects.create(
                code=code,
                kind=kind,
                level=level,
                name=name,
                numbering=defaults["numbering"],
                symbols=dict(defaults["symbols"]),
            )
    except IntegrityError:  # made meanwhile by a concurrent first document
        return IssuingBody.objects.get(code=code)


def register_next(*, body: IssuingBody, series: str, issued_on: datetime.date, label: str = "") -> int:
    """The next number of the body's register for the year of `issued_on`. Call inside the transaction
    that records the document: the body's row is locked (no repeat) and a rollback gives the number back
    (no gap). A date earlier than the last number's in the register is refused: numbers follow dates."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register_next must run inside the document's transaction")
    IssuingBody.objects.select_for_update().get(pk=body.pk)
    last = (
        RegisterNumber.objects.filter(body=body, year=issued_on.year, series=series)
        .order_by("-number")
        .values("number", "issued_on")
        .first()
    )
    if last and issued_on < last["issued_on"]:
        raise RegisterError(
            _(
                "The register of %(body)s already holds number %(number)02d dated %(day)s: a later number cannot take an earlier date."
            )
            % {"body": body.name, "number": last["number"], "day": last["issued_on"].strftime("%d/%m/%Y")}
        )
    number = (last["number"] if last else 0) + 1
    RegisterNumber.objects.create(
        body=body, year=issued_on.year, series=series, number=number, issued_on=issued_on, label=label[:120]
    )
    return number


def register_take(
    *, body: IssuingBody, series: str, number: int, issued_on: datetime.date, label: str = ""
) -> int:
    """Record a number the office's clerk gave from the office's register; refused when that number is
    already used in the register for the year. The body's row is locked, so two clerks at once cannot
    both take one number (and the unique constraint stands behind the lock)."""
    if number < 1:
        raise RegisterError(_("A document number starts at 1."))
    IssuingBody.objects.select_for_update().get(pk=body.pk)
    if used := register_number_used(body=body, series=series, number=number, year=issued_on.year):
        raise RegisterError(used)
    try:
        with transaction.atomic():
            RegisterNumber.objects.create(
                body=body,
                year=issued_on.year,
                series=series,
                number=number,
                issued_on=issued_on,
                label=label[:120],
                by_clerk=True,
            )
    except IntegrityError as exc:
        raise RegisterError(
            _("Number %(number)02d is already used in the %(year)s register of %(body)s.")
            % {"number": number, "year": issued_on.year, "body": body.name}
        ) from exc
    return number
