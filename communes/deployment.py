"""This deployment's identity in shared services: every cache key starts with it.

It is CACHE_KEY_PREFIX (Django's KEY_PREFIX) when set, else the identifier the migration stored in
the database (`Installation`): every process of one deployment reads the same row, whatever the
spelling of its DATABASE_URL, and two deployments sharing a Redis database never share an entry."""

from __future__ import annotations

import uuid

_identity: dict[str, str] = {}


def installation_id() -> str:
    """The stored identifier, read once per process (made now if a flushed database lost it)."""
    if "id" not in _identity:
        from .models import Installation

        row = Installation.objects.order_by("pk").first() or Installation.objects.create(
            identifier=uuid.uuid4().hex
        )
        _identity["id"] = row.identifier
    return _identity["id"]


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Django's KEY_FUNCTION: the deployment, the cache version, the key."""
    return f"{key_prefix or installation_id()}:{version}:{key}"
