"""Reads on units and posts that several views use."""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Commune, IssuingBody, Post, Province, RegisterNumber, UnitQuerySet
from .permissions import communes_visible_to, units_with_perm

# Per process: (user, grants version, day) -> the user's active posts. The version is read with the
# user's row on every request, so an entry is never stale; the oldest go first past the bound.
_POSTS: OrderedDict[tuple[int, int, datetime.date], list[Post]] = OrderedDict()
_POSTS_KEPT = 2000


def active_posts_of(request) -> list[Post]:
    """The request user's active posts, read once per request and kept in this process under the user's
    grants version and the day (a post that starts, ends or changes changes the version)."""
    cached = getattr(request, "_active_posts", None)
    if cached is not None:
        return cached
    user = request.user
    # Kept only for a user row read by this request (communes.permissions.version_read).
    fresh = getattr(user, "_version_read", False)
    key = (user.pk, getattr(user, "grants_version", 0), timezone.localdate())
    found = _POSTS.get(key) if fresh else None
    if found is None:
        # Only what the header shows (the unit's name), no ordering (posts are few; sorted here).
        found = sorted(
            Post.objects.active()
            .filter(user=user)
            .select_related("commune", "district", "province")
            .order_by(),
            key=lambda post: (post.started_on, post.pk),
        )
        if fresh:
            _POSTS[key] = found
        while len(_POSTS) > _POSTS_KEPT:
            _POSTS.popitem(last=False)
    request._active_posts = cached = list(found)
    return cached


def districts_in_view(user, *, year: int | None = None) -> list[tuple[str, str]]:
    """(code, name) of the districts whose communes `user` may see, cached per scope and units version
    (a filter's choices: computed once, not on every page); with `year`, only those in place at the
    end of that evaluation year (none from 1 July 2025, when the districts were abolished)."""
    from .fragments import cached_value, data_versions
    from .permissions import districts_visible_to, scope_key

    def compute() -> list[tuple[str, str]]:
        districts = districts_visible_to(user)
        if year is not None:
            districts = districts.valid_on(datetime.date(year, 12, 31))
        return list(districts.order_by("code").values_list("code", "name"))

    return cached_value(
        parts=("districts-in-view", data_versions("units"), scope_key(user), year or "all"), compute=compute
    )


_only_province: dict[str, Province | None] = {}


def site_province() -> Province | None:
    """The deployment's province for pages seen before signing in: the one province loaded (read once
    per process; None while several or none are loaded)."""
    if "province" not in _only_province:
        provinces = list(Province.objects.all()[:2])
        _only_province["province"] = provinces[0] if len(provinces) == 1 else None
    return _only_province["province"]


def forget_site_province(**kwargs) -> None:
    """A province was added, renamed or removed: read it again (this process; others within a restart)."""
    _only_province.clear()


def province_of(user) -> Province | None:
    """The province whose province-wide pages the user works on: the first they may see in full
    (one per deployment today; the data, not the code, names it)."""
    return units_with_perm(user, "view_province_dossiers", Province).order_by("code").first()


def communes_for_list(
    *, user, query: str = "", district_code: str = "", border: str = "", on: datetime.date | None = None
) -> UnitQuerySet[Commune]:
    """The communes `user` may see, searchable and filterable, ready for a list page; `on` keeps the
    units in place that day (codes are reused across reforms: the list would show both units)."""
    qs = communes_visible_to(user).select_related("district").order_by("district__code", "code", "valid_from")
    if on is not None:
        qs = qs.valid_on(on)
    if query:
        qs = qs.search(query)
    if district_code:
        qs = qs.filter(district__code=district_code)
    if border in ("1", "0"):
        qs = qs.filter(is_border=border == "1")
    return qs


def register_numbering(*, unit, kind: str) -> str:
    """Who numbers the documents of `unit`'s People's Committee ("ubnd") or police command ("police"):
    "application" or "clerk" (the body's setting, or its kind's default before its first document)."""
    from .models import IssuingBody

    code = unit.code if kind == IssuingBody.Kind.PEOPLE_COMMITTEE else f"CA-{unit.code}"
    body = IssuingBody.objects.filter(code=code).only("numbering").first()
    if body is not None:
        return body.numbering
    from .registers import body_defaults, defaults_key

    return body_defaults(defaults_key(kind=kind, level=unit._meta.model_name))["numbering"]


class UnitNotFound(ValueError):
    """No single unit of a post's level has this code on that day: `message` says so, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def unit_of_post(*, role: str, code: str, on: datetime.date | None = None):
    """The unit a post of `role` is held in, found by its GSO code among the units in place on `on`
    (default today; codes are reused after the reform); None for a country-wide role. UnitNotFound
    otherwise, with the reason."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import LEVEL_MODEL, ROLE_LEVEL

    level, code, on = ROLE_LEVEL[role], (code or "").strip(), on or timezone.localdate()
    if level == "country":
        if code:
            raise UnitNotFound(_("This role works for the whole country: leave the unit code empty."))
        return None
    model = LEVEL_MODEL[level]
    units = list(model.objects.filter(code=code).valid_on(on)[:2])
    if len(units) != 1:
        raise UnitNotFound(
            _("No %(level)s with code “%(code)s” is in place on %(day)s.")
            % {"level": model._meta.verbose_name, "code": code, "day": f"{on:%d/%m/%Y}"}
        )
    return units[0]


def register_number_used(*, body: IssuingBody, series: str, number: int, year: int) -> str:
    """Why `number` cannot be taken in the body's register of `year` (already used), or "": the
    register's own check, which a form asks before its confirmation page."""
    if RegisterNumber.objects.filter(body=body, year=year, series=series, number=number).exists():
        return str(
            _("Number %(number)02d is already used in the %(year)s register of %(body)s.")
            % {"number": number, "year": year, "body": body.name}
        )
    return ""


def parent_column(communes) -> str:
    """The heading of a list's column that names each unit's parent: "District" while every unit
    listed has one; a heading that says a unit without one names its province when some have none
    (the units since 1 July 2025); "" when none has one, and the column goes away."""
    has_district = {commune.district_id is not None for commune in communes}
    if has_district == {True}:
        return str(_("District"))
    if True in has_district:
        return str(_("District (province for a unit without one)"))
    return ""


def signing_post(user, unit) -> Post | None:
    """The post `user` signs a document of `unit`'s body with: their latest active post there that has a
    title (its title and capacity print the signature block); None when they hold none."""
    return (
        Post.objects.active()
        .filter(user=user, **{unit._meta.model_name: unit})
        .exclude(title="")
        .order_by("-started_on")
        .first()
    )
