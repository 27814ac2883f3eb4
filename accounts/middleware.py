import time

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the switch.

    Many office computers run an English browser; officials still expect the Vietnamese interface,
    so the browser's Accept-Language is ignored and only the language cookie counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is never a real request (PostgreSQL refuses it in a
    query, which would be a 500): answer 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in _pairs(request)):
            return HttpResponseBadRequest(_("The address contains characters that are not allowed."))
        return self.get_response(request)


def _pairs(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


class PrivatePagesMiddleware:
    """What a signed-in official sees (pages, exports, files) is never kept by the browser or a proxy:
    office computers are shared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleTimeoutMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE, sliding) without writing the session on every request:
    the session is saved again, with a new expiry, at most once per SESSION_REFRESH_SECONDS. A session
    therefore ends between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the
    last request."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response
