from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .forms import ThrottledPasswordChangeForm


def reference(request):
    """The framework's floor for a page: signed in, the base layout, no data (benchmarks compare to it)."""
    return render(request, "accounts/reference.html")


def keepalive(request):
    """ "Stay signed in": any signed-in request slides the idle timeout; this one says how long is left.
    Once the session has expired it redirects to the sign-in page like any page (keep.js asks without
    following redirects, and says so)."""
    from django.conf import settings
    from django.http import JsonResponse

    request.session.modified = True  # written now: the idle timeout starts again from this request
    return JsonResponse({"signed_in": True, "seconds": settings.SESSION_COOKIE_AGE})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with the old password throttled as a sign-in (ThrottledPasswordChangeForm)."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
