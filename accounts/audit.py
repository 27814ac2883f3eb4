"""The audit log (nhật ký): sign-ins, failed sign-ins, sign-outs and every change to posts and permissions."""

from __future__ import annotations

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy the client is the first X-Forwarded-For address.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


def audit_record(*, kind: str, actor=None, username: str = "", request=None, detail: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        username=username or getattr(actor, "username", "") or "",
        ip=client_ip(request),
        detail=detail[:2000],
    )
