from django.conf import settings
from django.utils.crypto import salted_hmac


def session_timeout(request) -> dict:
    """The idle timeout, for the warning before it (static/js/keep.js)."""
    return {"session_idle_seconds": settings.SESSION_COOKIE_AGE}


def keep_owner(request) -> dict:
    """Whose typing static/js/keep.js keeps in the tab: a value per official that names no one (not the
    user's id), so what one official typed is never put back into another's form."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"keep_owner": ""}
    return {"keep_owner": salted_hmac("nghean_dfc.keep_owner", str(user.pk)).hexdigest()[:20]}
