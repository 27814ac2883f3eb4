"""System checks for a deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Cached pages are invalidated by bumping versions in the cache: every process must share it."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is kept in each process's memory: a change made through one gunicorn worker "
                "would not refresh the pages cached by another.",
                hint="Set REDIS_URL (or CACHE_URL) so that every process shares one cache.",
                id="nghean_dfc.W001",
            )
        ]
    return []


def _server(url: str) -> tuple[str, int] | None:
    from urllib.parse import urlparse

    parsed = urlparse(url or "")
    if parsed.scheme not in ("redis", "rediss"):
        return None
    host = parsed.hostname or "localhost"
    return ("127.0.0.1" if host in ("localhost", "::1") else host, parsed.port or 6379)


@register(Tags.caches, deploy=True)
def cache_apart_from_broker(app_configs, **kwargs):
    """The cache's eviction policy (allkeys-lru, maxmemory) must never reach the broker's queues."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        return []
    locations = cache["LOCATION"] if isinstance(cache["LOCATION"], list | tuple) else [cache["LOCATION"]]
    broker = _server(settings.CELERY_BROKER_URL)
    if broker is not None and broker in {_server(location) for location in locations}:
        return [
            Warning(
                f"The cache and the Celery broker use the same Redis server ({broker[0]}:{broker[1]}): an "
                "eviction policy set for the cache would drop queued tasks, and a flood of cache entries "
                "would fill the broker's memory.",
                hint="Run a second Redis for the cache (maxmemory, allkeys-lru) and set CACHE_URL to it.",
                id="nghean_dfc.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def public_site_url(app_configs, **kwargs):
    """SITE_URL is printed on every signed document: a loopback or plain-http address there sends
    whoever checks the document nowhere, or to a page anyone between could change."""
    import ipaddress
    from urllib.parse import urlparse

    parsed = urlparse(settings.SITE_URL)
    host = parsed.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    problems = []
    if loopback:
        problems.append(f"SITE_URL ({settings.SITE_URL}) is a loopback address")
    if parsed.scheme != "https":
        problems.append(f"SITE_URL ({settings.SITE_URL}) is not an https address")
    return [
        Warning(
            f"{problem}: it is printed on every signed document (the verification address and its QR "
            "code) and in every e-mail.",
            hint="Set SITE_URL to the public https address officials open.",
            id="nghean_dfc.W003",
        )
        for problem in problems
    ]


@register()
def vietnamese_catalogue_compiled(app_configs, **kwargs):
    """Officials sign what the application prints: without the compiled Vietnamese catalogue every
    document and page would silently print English. Refuse to start instead."""
    import gettext

    from django.core.checks import Error

    if any(gettext.find("django", str(path), ["vi"]) for path in settings.LOCALE_PATHS):
        return []
    return [
        Error(
            "The Vietnamese translations are not compiled: documents would be printed in English.",
            hint="Run `manage.py compilemessages` (`make setup` does it).",
            id="nghean_dfc.E001",
        )
    ]
