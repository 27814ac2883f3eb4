"""Views of the deployment itself, above every app."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from communes.fragments import cache_status


@require_GET
@never_cache
def healthz(request):
    """Liveness for the load balancer and monitoring: the database must answer (else 503); the cache
    only speeds pages up, so without it the application is "degraded" but serves (200)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy, whatever its class
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    cache = cache_status()
    return JsonResponse({"status": "ok" if cache == "ok" else "degraded", "database": "ok", "cache": cache})
