"""Production settings: check --deploy, security headers and CSP on real responses, lockout, idle
timeout, and the audit log."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.append_only import AppendOnlyError
from accounts.models import AuditEntry
from communes.models import Province, Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k7Qm2vX9pL4sT8wZ1nB6cR3yH5jF0gD2aE7uI9oP4qW6tY8rV1xN3mC5bK0lJ",
    "ALLOWED_HOSTS": "xakhongmatuy.nghean.gov.vn",
    "DATABASE_URL": "sqlite:////tmp/nghean-check-deploy.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # not contacted by the checks
    "CACHE_URL": "redis://127.0.0.1:6380/0",  # the cache in a Redis of its own
    "SITE_URL": "https://xakhongmatuy.nghean.gov.vn",
}


def licensed_font_folder() -> str:
    """A folder standing for the province's licensed Times New Roman (the shipped faces, renamed)."""
    import shutil
    import tempfile

    folder = Path(tempfile.gettempdir()) / "nghean-licensed-font"
    folder.mkdir(exist_ok=True)
    shipped = ROOT / "recognition" / "fonts"
    for ours, theirs in zip(
        ("Regular", "Bold", "Italic", "BoldItalic"), ("times", "timesbd", "timesi", "timesbi"), strict=True
    ):
        shutil.copyfile(shipped / f"LiberationSerif-{ours}.ttf", folder / f"{theirs}.ttf")
    return str(folder)


def check_deploy(**overrides):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    unset = (
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "REDIS_URL",
        "CACHE_URL",
        "SITE_URL",
    )
    env = {k: v for k, v in os.environ.items() if k not in unset}
    production = {**PRODUCTION_ENV, "DOCUMENT_FONT_DIR": licensed_font_folder()}
    env = {k: v for k, v in {**env, **production, **overrides}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_has_no_warning():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_until_the_licensed_font_is_there():
    result = check_deploy(DOCUMENT_FONT_DIR=None)
    assert result.returncode != 0
    assert (
        "recognition.W001" in result.stderr + result.stdout
        and "Liberation Serif" in result.stderr + result.stdout
    )


@pytest.mark.parametrize(
    "cache_url", ["redis://127.0.0.1:6379/1", "redis://localhost:6379/5", "redis://127.0.0.1/0"]
)
def test_check_deploy_warns_when_the_cache_shares_the_brokers_redis(cache_url):
    result = check_deploy(CACHE_URL=cache_url)
    assert result.returncode != 0
    assert "nghean_dfc.W002" in result.stdout + result.stderr


def test_check_deploy_warns_when_each_process_would_keep_its_own_cache():
    result = check_deploy(REDIS_URL=None, CACHE_URL=None)
    assert result.returncode != 0
    assert "nghean_dfc.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "site_url", ["http://127.0.0.1:8000", "https://localhost", "http://xakhongmatuy.nghean.gov.vn"]
)
def test_check_deploy_warns_when_documents_would_print_a_loopback_or_plain_http_address(site_url):
    result = check_deploy(SITE_URL=site_url)
    assert result.returncode != 0
    assert "nghean_dfc.W003" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_site_url():
    """Every signed document would print a loopback address (the default was http://127.0.0.1:8000)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SITE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, "SITE_URL": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured" in result.stderr
        and "Set SITE_URL to the address officials open" in result.stderr
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings", "DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return settings


@pytest.mark.django_db
def test_security_headers_and_csp_on_a_real_response(client, production):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csrf_cookie = response.cookies["csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_but_healthz_is_not(client, production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_session_cookie_is_secure_httponly_and_expires_when_idle(client, production, border_units):
    UserFactory(username="canbo")
    response = client.post(
        "/accounts/login/", {"username": "canbo", "password": "pw-for-tests-2022"}, secure=True
    )
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    expires_in = (Session.objects.get().expire_date - timezone.now()).total_seconds()
    assert 1790 < expires_in <= 1800  # 30 minutes

    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))  # 30 idle minutes
    response = client.get("/units/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_with_a_clear_message(client):
    UserFactory(username="canbo")
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "canbo", "password": "sai mật khẩu"})
    response = client.post("/accounts/login/", {"username": "canbo", "password": "pw-for-tests-2022"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "Tạm khóa đăng nhập" in content and "30 phút" in content
    assert AuditEntry.objects.filter(kind="login_failed", username="canbo").count() >= 5
    assert not AuditEntry.objects.filter(kind="login").exists()


@pytest.mark.django_db
def test_audit_log_records_sign_ins_and_post_changes(client, official, border_units):
    from communes.services import post_end

    user = official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40"), username="audited")
    client.post("/accounts/login/", {"username": "audited", "password": "pw-for-tests-2022"})
    post_end(post=user.posts.get())
    kinds = list(AuditEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds.index("post_created") < kinds.index("login") < kinds.index("post_ended")
    assert "groups_changed" in kinds and "permissions_changed" in kinds
    login = AuditEntry.objects.get(kind="login")
    assert login.username == "audited" and login.ip == "127.0.0.1"
    with pytest.raises(AppendOnlyError):  # one exception for every append-only record
        login.save()


@pytest.mark.django_db
def test_making_someone_superuser_is_audited(border_units):
    user = UserFactory(username="x")
    user.is_superuser = True
    user.save()
    assert AuditEntry.objects.filter(
        kind="status_changed", username="x", detail__contains="is_superuser"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/dashboard/", "/units/", "/dashboard/export/districts.csv", "/dashboard/export/communes.xlsx"],
)
def test_what_a_signed_in_official_sees_is_not_kept_by_the_browser(client, people, path):
    client.force_login(people.viewer)
    response = client.get(path)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.mark.django_db
def test_requests_renew_the_idle_timeout_without_writing_the_session_each_time(client, people, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.viewer)
    client.get("/reference/")
    expiry = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as ctx:
        client.get("/reference/")
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date == expiry  # within the minute: not written

    session = Session.objects.get()
    data = session.get_decoded()
    data["_refreshed_at"] -= settings.SESSION_REFRESH_SECONDS  # a minute later
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data), expire_date=timezone.now() + timezone.timedelta(minutes=5)
    )
    client.get("/reference/")
    remaining = (Session.objects.get().expire_date - timezone.now()).total_seconds()
    assert remaining > 1790  # renewed to the full 30 minutes
