"""Sign-in throttling (django-axes, in the database): a username is locked after AXES_FAILURE_LIMIT
failures from one address, and an address after SIGN_IN_ADDRESS_FAILURE_LIMIT failures across all
usernames (password spraying). Both for AXES_COOLOFF_TIME. The address is `accounts.audit.client_ip`."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(ip: str | None) -> int:
    """Failed sign-ins from `ip`, for any username, within the cool-off time."""
    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, plus the limit per address."""

    def _address_locked(self, request) -> bool:
        locked = address_failures(getattr(request, "axes_ip_address", None)) >= (
            settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        )
        if locked:
            request.sign_in_address_locked = True  # the lockout page says which limit was reached
        return locked

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            if self._address_locked(request):
                request.axes_locked_out = True
                request.axes_credentials = credentials
