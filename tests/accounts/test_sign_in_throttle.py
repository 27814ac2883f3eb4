"""Sign-in throttling and the audit behind the reverse proxy: the client's address comes from the
trusted proxy's X-Forwarded-For, validated; a user is locked per address, an address across users."""

import pytest

from accounts.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-2022"


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def sign_in(client, username, password, client_address, spoofed=""):
    # nginx appends the address it received from ($proxy_add_x_forwarded_for); REMOTE_ADDR is nginx.
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, behind_nginx):
    UserFactory(username="chutich.kyson")
    for _ in range(6):
        sign_in(client, "chutich.kyson", "wrong", "203.0.113.9")
    assert sign_in(client, "chutich.kyson", PASSWORD, "203.0.113.9").status_code == 429
    # The real chair, from the district office: signs in.
    response = sign_in(client, "chutich.kyson", PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(kind="login", ip="198.51.100.20").exists()


def test_the_client_cannot_choose_its_address_by_sending_the_header(client, behind_nginx):
    UserFactory(username="canbo")
    for n in range(5):
        # A different spoofed address each time: the trusted (rightmost) one stays the same.
        sign_in(client, "canbo", "wrong", "203.0.113.9", spoofed=f"10.0.0.{n}")
    assert sign_in(client, "canbo", PASSWORD, "203.0.113.9").status_code == 429
    assert set(AuditEntry.objects.filter(kind="login_failed").values_list("ip", flat=True)) == {"203.0.113.9"}


def test_spraying_across_accounts_from_one_address_is_throttled(client, behind_nginx, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(4):
        UserFactory(username=f"user{n}")
    responses = [sign_in(client, f"user{n}", f"guess{k}", "203.0.113.50") for k in range(3) for n in range(4)]
    assert all(r.status_code == 200 for r in responses[:-1])  # 3 each: under the per-user limit
    assert responses[-1].status_code == 429  # the 12th failure from the address
    # Now even a right password from that address waits, with a message saying why...
    response = sign_in(client, "user0", PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    assert "địa chỉ mạng" in response.content.decode()
    # ...while another office is not affected.
    assert sign_in(client, "user0", PASSWORD, "198.51.100.7").status_code == 302


def test_one_office_failing_now_and_then_is_not_throttled(client, behind_nginx):
    # 40 failures in an hour from one office address, over many accounts: below the default limit of 50.
    for n in range(10):
        UserFactory(username=f"office{n}")
    for _ in range(4):
        for n in range(10):
            sign_in(client, f"office{n}", "wrong", "198.51.100.30")
    assert sign_in(client, "office0", PASSWORD, "198.51.100.30").status_code == 302


@pytest.mark.parametrize("header", ["not-an-address", "<script>", "999.1.1.1", "", "1.2.3.4, ::zz"])
def test_a_forwarded_value_that_is_not_an_address_is_audited_as_unknown(client, behind_nginx, header):
    UserFactory(username="canbo")
    response = client.post(
        "/accounts/login/",
        {"username": "canbo", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=header,
    )
    assert response.status_code == 200  # the form again, never a 500
    entry = AuditEntry.objects.get(kind="login_failed")
    assert entry.username == "canbo" and entry.ip is None


def test_without_a_proxy_the_header_is_ignored(client):
    UserFactory(username="canbo")
    client.post(
        "/accounts/login/",
        {"username": "canbo", "password": "wrong"},
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEntry.objects.get(kind="login_failed").ip == "192.0.2.1"


def test_an_audit_write_that_fails_does_not_fail_the_sign_in(client, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    UserFactory(username="canbo")
    monkeypatch.setattr(AuditEntry.objects, "create", broken)
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302


def change_password(client, old, client_address="203.0.113.9"):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": "Nghe-An-2026-moi", "new_password2": "Nghe-An-2026-moi"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_guessing_the_old_password_counts_as_failed_sign_ins(client, behind_nginx, settings):
    """F15: a session left open could guess the old password without limit; django-axes never counted it."""
    user = UserFactory(username="canbo.xa")
    client.force_login(user)
    wrong = [change_password(client, f"guess{n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert all(r.status_code == 200 for r in wrong[:-1])
    assert "Mật khẩu cũ không chính xác" in wrong[0].content.decode()
    # The limit reached: the sign-in's lockout page, its message, even with the right old password.
    for response in (wrong[-1], change_password(client, PASSWORD)):
        assert response.status_code == 429
        assert f"Sau {settings.AXES_FAILURE_LIMIT} lần đăng nhập sai" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert (
        AuditEntry.objects.filter(kind="login_failed", username="canbo.xa").count()
        == settings.AXES_FAILURE_LIMIT
    )
    # It is the same counter as the sign-in page's: signing in from that address waits too.
    client.logout()
    assert sign_in(client, "canbo.xa", PASSWORD, "203.0.113.9").status_code == 429
