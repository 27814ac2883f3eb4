"""Views of the deployment itself, above every app."""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
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


def bad_request(request, exception=None):
    """400: a request the application cannot read (above all a form of more than
    DATA_UPLOAD_MAX_NUMBER_FIELDS values). Nothing was saved; the page leads back to the form, where the
    browser puts back what was typed (static/js/keep.js)."""
    too_many_fields = isinstance(exception, TooManyFieldsSent)
    return render(
        request,
        "400.html",
        {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            "too_many_fields": too_many_fields,
            "back": request.path,
        },
        status=400,
    )


def csrf_failure(request, reason=""):
    """403 when the form's security token no longer matches: most often the page was opened before a
    sign-in or sign-out in another tab. Nothing was saved; the official reopens the page and tries again
    (what was typed is put back by static/js/keep.js)."""
    return render(request, "403_csrf.html", {"back": request.path}, status=403)
