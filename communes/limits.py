"""Limits of requests (django-ratelimit), counted in the cache and open when it is down.

Each limit is a group of django-ratelimit with its rate from the settings: the public verification
page per client address, the forgotten-password page per client and per address asked for, evidence
files per official. The client is `accounts.audit.client_ip`, which honours TRUSTED_PROXY_COUNT: a part
of X-Forwarded-For written by the client itself never names another client. The cache is reached
through the same breaker as the page fragments (communes.fragments.with_cache): with the cache down,
nothing is limited (RATELIMIT_FAIL_OPEN), and the request never waits for it.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from accounts.audit import client_ip

from .fragments import with_cache


def by_client(group: str, request: HttpRequest) -> str:
    """The real client behind the trusted proxies ("unknown" when it cannot be known: counted together)."""
    return client_ip(request) or "unknown"


def by_official(group: str, request: HttpRequest) -> str:
    return str(request.user.pk)


def by_value(value: str):
    """A key for a typed value (an e-mail address): its digest, never the value itself, in the cache."""
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()
    return lambda group, request: digest


def over_limit(request: HttpRequest, *, group: str, key, limit: int, per: str) -> bool:
    """Counts this request under `group` and says whether it is past `limit` per `per` ("m", "h")."""
    limited, counted = with_cache(
        lambda: is_ratelimited(request, group=group, key=key, rate=f"{limit}/{per}", increment=True)
    )
    return bool(counted and limited)
