"""The audit log (nhật ký): sign-ins, failed sign-ins, sign-outs and every change to posts and permissions."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.db import DatabaseError, transaction

from .models import AuditEntry

logger = logging.getLogger(__name__)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, or None when it cannot be known.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appends the address it received from to
    X-Forwarded-For, so the client is the Nth address from the right: anything further left was sent by
    the client itself and proves nothing. Without proxies (0) it is REMOTE_ADDR. A value that is not an
    address gives None, never an error. Also the address django-axes throttles on."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return _valid_ip(request.META.get("REMOTE_ADDR", ""))
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return None
    return _valid_ip(forwarded[-proxies])


def audit_record(
    *, kind: str, actor=None, username: str = "", request=None, detail: str = ""
) -> AuditEntry | None:
    """Append an entry. Never raises: a failed audit write is logged and the caller's work goes on
    (the savepoint keeps the caller's transaction usable)."""
    try:
        with transaction.atomic():
            return AuditEntry.objects.create(
                kind=kind,
                actor=actor if getattr(actor, "pk", None) else None,
                username=(username or getattr(actor, "username", "") or "")[:150],
                ip=client_ip(request),
                detail=detail[:2000],
            )
    except DatabaseError:
        logger.exception("audit entry %s for %s not written", kind, username)
        return None
