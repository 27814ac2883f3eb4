"""Cached fragments of pages, correct by construction and never in the way.

- A fragment's key names the version of every kind of data it shows and the scope of the user who sees
  it. Versions live in the database (`DataVersion`) and are changed by `post_save`/`post_delete`
  signals inside the writing transaction: a page computed before the commit is cached under the old
  version, one that starts after it reads the new version, so nothing committed before a request began
  is ever missing from its page, whatever the cache did meanwhile (an outage included).
- Dossier versions are scoped by the dossier's units (its commune, its district if any, its province,
  and one for the whole deployment), so a write in one district leaves other districts' pages cached.
- Keys are built from validated parameters only (the callers pass cleaned values), so junk in a query
  string cannot fill the cache, and they carry the deployment's identity (`communes.deployment`).
- The cache fails open: any cache error marks it unavailable in this process for CACHE_RETRY_SECONDS,
  pages are computed meanwhile, and nothing that writes depends on it.
- A miss is computed once: the first request takes a short lock, the others wait for its value (up to
  CACHE_WAIT_SECONDS) before computing it themselves.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .models import DataVersion
from .permissions import scope_key, unit_grants

logger = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT = 600  # seconds; a fragment nobody asks for again leaves the cache by itself
LOCK_SECONDS = 10  # a computation that takes longer than this (or a killed process) is someone else's turn
_MISSING = object()


class _Health:
    """Per process: until when the cache is considered unavailable after an error."""

    down_until = 0.0


def cache_call(method: str, *args, **kwargs) -> tuple[Any, bool]:
    """(result, True), or (None, False) when the cache is unavailable: the caller carries on without it."""
    return with_cache(lambda: getattr(cache, method)(*args, **kwargs))


def with_cache(work: Callable[[], T]) -> tuple[T | None, bool]:
    """`work()` (which uses the cache) through the same breaker as cache_call: (None, False) without
    calling it while the cache is marked unavailable, or when it fails (it is then marked so)."""
    if time.monotonic() < _Health.down_until:
        return None, False
    try:
        return work(), True
    except Exception as exc:  # redis ConnectionError, TimeoutError, a failing key function...: fail open
        _Health.down_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
        logger.warning("cache unavailable, pages are computed for %ss: %r", settings.CACHE_RETRY_SECONDS, exc)
        return None, False


def cache_status() -> str:
    """ "ok" or "degraded", probing the cache (for /healthz)."""
    _Health.down_until = 0.0
    _, ok = cache_call("get", "healthz-probe")
    return "ok" if ok else "degraded"


# --- versions ---------------------------------------------------------------------------------------


def dossier_scopes(
    *,
    commune_id: int | None,
    district_id: int | None,
    province_id: int | None,
    successor_ids: Iterable[int] = (),
) -> list[str]:
    """The version keys a change to a dossier of this commune bumps (the officers of the units that
    replaced it read its dossiers as their history)."""
    keys = ["dossiers"]
    for level, pk in (("commune", commune_id), ("district", district_id), ("province", province_id)):
        if pk is not None:
            keys.append(f"dossiers@{level}:{pk}")
    keys.extend(f"dossiers@commune:{pk}" for pk in successor_ids)
    return keys


def user_scopes(user) -> list[str]:
    """The version keys of the dossiers `user` sees: one per unit they may see dossiers of."""
    if user.is_superuser:
        return ["dossiers"]
    keys = []
    for (model, codename), pks in unit_grants(user).items():
        if codename.startswith("view_"):
            keys.extend(f"dossiers@{model}:{pk}" for pk in pks)
    return sorted(keys)


def data_versions(*keys: str) -> str:
    """The current versions of `keys` (kinds of data, or scoped dossier keys), as one string: one query."""
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return ":".join(found.get(key, "0") for key in keys)


def bump(*keys: str) -> None:
    """Data under these keys changed: every fragment that shows them is stale from now on. One query, in
    the caller's transaction (rows upserted in key order, so concurrent writers never deadlock)."""
    DataVersion.objects.bulk_create(
        [DataVersion(key=key, version=uuid.uuid4().hex) for key in sorted(set(keys))],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["version"],
    )


class BumpingQuerySet(models.QuerySet):
    """The queryset of a model that cached values show: a bulk `update()` sends no signal, so it bumps
    `version_keys` itself, in the same transaction as the rows it changed (saves and deletes are
    `bump_on_change`'s). Subclassed per model by `bumping_manager`."""

    version_keys: tuple[str, ...] = ()

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            rows = super().update(**kwargs)
            if rows:
                bump(*self.version_keys)
        return rows


def bumping_manager(*keys: str) -> models.Manager:
    """`objects` for a model whose bulk updates must make the fragments showing it stale (`keys`)."""
    return type("BumpingQuerySet", (BumpingQuerySet,), {"version_keys": keys}).as_manager()


def bump_everything() -> None:
    """After bulk writes that send no signals (seed_demo): every fragment is stale."""
    DataVersion.objects.all().delete()
    bump("units", "criteria", "dossiers")


def bump_on_change(name: str, *models, keys: Callable[[Any], list[str]] | None = None) -> None:
    """Bump `name` (or the keys `keys(instance)` names) whenever a row of `models` is saved or deleted."""

    def handler(instance, raw=False, **kwargs) -> None:
        bump(*(keys(instance) if keys is not None and not raw else [name]))

    for model in models:
        uid = f"fragments-{name}-{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-delete", weak=False)


def seen_by(user, *names: str) -> tuple[str, ...]:
    """The key parts of what `user` sees today: the versions of the named kinds of data ("dossiers"
    meaning the dossiers of the user's scope), the user's scope, the language and the day."""
    keys: list[str] = []
    for name in names:
        keys.extend(user_scopes(user) if name == "dossiers" else [name])
    return (
        data_versions(*keys),
        scope_key(user),
        translation.get_language(),
        timezone.localdate().isoformat(),
    )


# --- cached values ----------------------------------------------------------------------------------


def cached_value(*, parts: Iterable[object], compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """What `compute()` returns, from the cache when a value with the same key parts is there.
    `parts` must name everything the value depends on (versions, scope, validated parameters,
    language, day)."""
    key = "fragment:" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()
    value, ok = cache_call("get", key, _MISSING)
    if not ok:
        return compute()
    if value is not _MISSING:
        return value
    locked, ok = cache_call("add", key + ":computing", 1, LOCK_SECONDS)
    if ok and not locked:  # someone is computing it: wait for their value
        deadline = time.monotonic() + settings.CACHE_WAIT_SECONDS
        while ok and time.monotonic() < deadline:
            time.sleep(0.02)
            value, ok = cache_call("get", key, _MISSING)
            if ok and value is not _MISSING:
                return value
    try:
        value = compute()
        cache_call("set", key, value, timeout)
    finally:  # even when compute() fails: the next request computes at once instead of waiting
        if locked:
            cache_call("delete", key + ":computing")
    return value


def cached_fragment(
    *, parts: Iterable[object], render: Callable[[], str], timeout: int = TIMEOUT
) -> SafeString:
    """Rendered HTML, cached as `cached_value` caches it (our own templates escaped it already)."""
    return mark_safe(cached_value(parts=parts, compute=lambda: str(render()), timeout=timeout))  # noqa: S308


# --- validated parameters ---------------------------------------------------------------------------

MAX_CACHED_PAGE = 20  # later pages of a list are computed for each request


MAX_PAGE = 100_000  # beyond any list of ours; a larger number would overflow the database's OFFSET


def page_number(value: str | None) -> int:
    """A page number from a query string: a positive integer up to MAX_PAGE, else 1."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError, OverflowError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def list_key(params: dict, page: int) -> tuple | None:
    """The key part for a list with these validated parameters, or None when it is not worth caching
    (a free-text search, a far page): such requests are computed and leave nothing in the cache."""
    if params.get("q") or page > MAX_CACHED_PAGE:
        return None
    return (*sorted(params.items()), ("page", page))
