"""Every page is private by default (Django's LoginRequiredMiddleware): a view nobody marked redirects an
anonymous visitor to the sign-in page, and a signed-in official without a post to the page saying so;
only the views marked public (accounts.decorators) open without them."""

import sys
import types

import pytest
from django.http import HttpResponse
from django.urls import path, reverse

from accounts.decorators import post_not_required, public
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def unmarked(request):
    return HttpResponse("nội dung riêng")


@post_not_required
def for_every_official(request):
    return HttpResponse("đổi mật khẩu")


@public
def for_anyone(request):
    return HttpResponse("tra cứu")


@pytest.fixture
def added_views(settings):
    """Three views added at run time, in a URLconf of their own beside the application's."""
    from nghean_dfc import urls as application_urls

    module = types.ModuleType("tests_added_urls")
    module.urlpatterns = [
        path("added/unmarked/", unmarked, name="added_unmarked"),
        path("added/any-official/", for_every_official, name="added_any_official"),
        path("added/anyone/", for_anyone, name="added_anyone"),
        *application_urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    yield
    del sys.modules[module.__name__]


def test_a_view_with_no_marker_sends_an_anonymous_visitor_to_sign_in(client, added_views):
    response = client.get("/added/unmarked/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/added/unmarked/"


def test_a_view_with_no_marker_shows_an_official_without_a_post_only_that_they_have_none(client, added_views):
    client.force_login(UserFactory(username="khongchucvu"))
    response = client.get("/added/unmarked/")
    assert response.status_code == 403 and "nội dung riêng" not in response.content.decode()
    assert client.get("/added/any-official/").content.decode() == "đổi mật khẩu"


def test_a_public_view_opens_for_anyone(client, added_views):
    assert client.get("/added/anyone/").content.decode() == "tra cứu"
    assert client.get("/added/any-official/").status_code == 302  # marked for officials, not public


@pytest.mark.parametrize(
    "name, args, status",
    [("login", [], 200), ("password_reset", [], 200), ("healthz", [], 200), ("verify", ["ABCDE12345"], 404)],
)
def test_the_public_pages_open_without_signing_in(client, name, args, status):
    """The verification page answers itself, even for a code that was never issued (404, its message)."""
    response = client.get(reverse(name, args=args))
    assert response.status_code == status and "Location" not in response
