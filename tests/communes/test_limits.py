"""The limits of requests (communes.limits, django-ratelimit): they hold, they count the real client
behind TRUSTED_PROXY_COUNT proxies (a left part of X-Forwarded-For the client wrote itself never makes a
new client), and they are open when the cache is down."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Evidence
from tests.assessments.test_uploads import post_with_file
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def look_up(client, n: int, forwarded: str):
    return client.get(
        reverse("verify", args=[f"AAAA{n}-00000"]), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )


def test_verify_counts_the_real_client_behind_the_proxy_whatever_it_writes_on_the_left(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.VERIFY_REQUESTS_PER_MINUTE = 3
    # One client (the proxy appends 198.51.100.7), each time claiming another address on the left.
    statuses = [look_up(client, n, f"10.0.0.{n}, 198.51.100.7").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert "tra cứu quá nhiều lần" in look_up(client, 9, "198.51.100.7").content.decode()
    # Another office behind the same proxy is counted apart.
    assert look_up(client, 8, "198.51.100.8").status_code == 404


def test_verify_is_open_with_the_cache_down(client, settings, unreachable_cache):
    settings.VERIFY_REQUESTS_PER_MINUTE = 2
    statuses = [look_up(client, n, "198.51.100.7").status_code for n in range(5)]
    assert statuses == [404] * 5


@pytest.mark.district_clock
def test_uploads_are_open_with_the_cache_down(client, people, dossier, settings, unreachable_cache):
    settings.EVIDENCE_UPLOADS_PER_HOUR = 1
    client.force_login(people.officer)
    for _ in range(3):
        assert post_with_file(client, dossier, SimpleUploadedFile("a.pdf", PDF_BYTES)).status_code == 302
        dossier.refresh_from_db()
    assert Evidence.objects.count() == 3


@pytest.mark.district_clock
def test_uploads_are_counted_per_official(client, people, dossier, settings):
    settings.EVIDENCE_UPLOADS_PER_HOUR = 1
    client.force_login(people.officer)
    assert post_with_file(client, dossier, SimpleUploadedFile("a.pdf", PDF_BYTES)).status_code == 302
    dossier.refresh_from_db()
    refused = post_with_file(client, dossier, SimpleUploadedFile("b.pdf", PDF_BYTES))
    assert refused.status_code == 400
    assert "Bạn đã gửi 1 tệp trong giờ qua, là số tối đa cho phép" in refused.content.decode()
    assert Evidence.objects.count() == 1


def test_password_links_are_open_with_the_cache_down(client, people, settings, unreachable_cache):
    settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS = 1
    answers = [
        client.post("/accounts/password/reset/", {"email": "xa@example.vn"}).status_code for _ in range(3)
    ]
    assert answers == [302, 302, 302]
