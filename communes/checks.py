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
