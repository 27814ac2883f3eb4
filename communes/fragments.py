"""Cached fragments of pages, correct by construction: a fragment's key names the version of every kind
of data it shows (bumped whenever such data changes) and the scope of the user who sees it, so a
changed dossier or unit is never served from an old fragment; old entries simply expire.

Versions are bumped by `post_save`/`post_delete` signals (`bump_on_change`) when the transaction
commits: a request running before that still reads the old rows, and may cache them under the version
it saw, which the bump retires. They are also bumped at once, so that the writing transaction itself
(and a test, which never commits) sees fresh pages. Bulk writes send no signals: their callers bump by
hand (seed_demo).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .permissions import scope_key

T = TypeVar("T")
PREFIX = "data-version:"
TIMEOUT = 600  # seconds; a fragment nobody asks for again leaves the cache by itself


def data_versions(*names: str) -> str:
    """The current versions of the named kinds of data, as one string for a cache key."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, None)
        found.update(missing)
    return ":".join(found[key] for key in keys)


def seen_by(user, *names: str) -> tuple[str, ...]:
    """The key parts of what `user` sees of the named kinds of data today: their versions, the user's
    scope, the language and the day (lists show how many days a dossier has waited)."""
    return (
        data_versions(*names),
        scope_key(user),
        translation.get_language(),
        timezone.localdate().isoformat(),
    )


def bump(*names: str) -> None:
    """Data of these kinds changed: every fragment that shows them is stale from now on."""
    cache.set_many({PREFIX + name: uuid.uuid4().hex for name in names}, None)


def bump_on_change(name: str, *models) -> None:
    """Bump `name` whenever a row of one of `models` is saved or deleted (now and at commit)."""

    def handler(**kwargs) -> None:
        bump(name)
        transaction.on_commit(lambda: bump(name))

    for model in models:
        uid = f"fragments-{name}-{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-delete", weak=False)


def cached_value(*, parts: Iterable[object], compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """What `compute()` returns, from the cache when a value with the same key parts is there.
    `parts` must name everything the value depends on (versions, scope, parameters, language, day)."""
    key = "fragment:" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_fragment(
    *, parts: Iterable[object], render: Callable[[], str], timeout: int = TIMEOUT
) -> SafeString:
    """Rendered HTML, cached as `cached_value` caches it (our own templates escaped it already)."""
    return mark_safe(cached_value(parts=parts, compute=lambda: str(render()), timeout=timeout))  # noqa: S308
