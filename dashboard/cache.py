"""Caching the dashboard's figures, correctly: every key carries a version that any change to a dossier,
a unit or a post bumps, and the user's scope (their unit-role groups)."""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "dashboard:figures-version"


def figures_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def invalidate_figures(**kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def scope_key(user) -> str:
    """Users with the same unit-role groups see the same figures (scope comes only from groups)."""
    if user.is_superuser:
        return "all"
    groups = ",".join(str(pk) for pk in sorted(user.groups.values_list("pk", flat=True)))
    return hashlib.sha1(groups.encode()).hexdigest()[:16]


def connect() -> None:
    from assessments.models import Dossier
    from communes.models import Commune, District, Post

    for model in (Dossier, Commune, District, Post):
        post_save.connect(invalidate_figures, sender=model, dispatch_uid=f"dashboard-{model.__name__}-save")
        post_delete.connect(
            invalidate_figures, sender=model, dispatch_uid=f"dashboard-{model.__name__}-delete"
        )
