from django.conf import settings


def session_timeout(request) -> dict:
    """The idle timeout, for the warning before it (static/js/keep.js)."""
    return {"session_idle_seconds": settings.SESSION_COOKIE_AGE}
