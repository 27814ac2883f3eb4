"""Views of the deployment itself, above every app."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import TooManyFieldsSent
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import passwords
from accounts.decorators import public
from accounts.forms import FirstPasswordResetForm
from communes.fragments import cache_status
from communes.limits import by_client, by_value, over_limit


@public
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


# --- setting a password by e-mail (quên mật khẩu, mật khẩu lần đầu) ------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a one-time link by e-mail. Silent on whether the address has an account; limited per
    client (the proxy-aware address of the sign-in) and per e-mail address, so that it can be used
    neither to flood an official's mailbox nor to probe addresses."""

    form_class = FirstPasswordResetForm
    subject_template_name = passwords.SUBJECT_TEMPLATE
    email_template_name = passwords.EMAIL_TEMPLATE

    @property
    def extra_email_context(self):
        return passwords.link_context()

    def form_valid(self, form):
        allowed = not over_limit(
            self.request,
            group="password-reset-client",
            key=by_client,
            limit=settings.PASSWORD_RESET_REQUESTS_PER_CLIENT,
            per="h",
        ) and not over_limit(
            self.request,
            group="password-reset-address",
            key=by_value(form.cleaned_data["email"]),
            limit=settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS,
            per="h",
        )
        if not allowed:
            form.add_error(
                None,
                _(
                    "Too many links were asked for from here or for this address in the last hour: try "
                    "again later, or ask the provincial administrator to set your password."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **passwords.link_context()}
