import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

# The pages the layout links to on every page (templates/base.html, `{% layout_link %}`).
LAYOUT_PAGES = (
    "home",
    "dashboard:dashboard",
    "dashboard:cycle",
    "dashboard:national",
    "communes:commune_list",
    "assessments:cycles",
    "council:council",
    "recognition:summaries",
    "recognition:register",
    "records:list",
    "admin:index",
    "notifications",
    "password_change",
    "logout",
    "set_language",
    "keepalive",
    "login",
)


@functools.lru_cache(maxsize=16)
def _links(prefix: str, language: str | None, urlconf: str | None) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name, urlconf=urlconf) for name in LAYOUT_PAGES}


def layout_link(name: str) -> str:
    """A page the layout links to, reversed once per process (per script prefix, language and URLconf):
    the path `{% url %}` gives, without 18 reversals on every page (`{% layout_link %}`)."""
    links = _links(get_script_prefix(), get_language(), get_urlconf() or settings.ROOT_URLCONF)
    return links.get(name.replace(":", "_")) or reverse(name)


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
