"""Faults with real processes: the cache's Redis paused (SIGSTOP) under a running gunicorn and a Celery
worker, then resumed (SIGCONT) with its old entries; and two deployments sharing one Redis database.

The cache's Redis is started by the test itself, never the shared one on 6379 (also the broker)."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings

from assessments.models import Dossier
from tests import workflow
from tests.celery_worker import Worker, database_url, wait_for
from tests.processes import free_port, serve

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "test-artefacts"
PASSWORD = "pw-for-tests-2022"


@pytest.fixture
def cache_redis(tmp_path):
    """A Redis of the test's own, for the cache."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "needs redis-server (apt-get install redis-server) to start the cache's own Redis"
        pytest.fail(reason) if os.environ.get("NGHEAN_REQUIRE_ALL_TESTS") else pytest.skip(reason)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _pings(url), timeout=10, interval=0.05)
    yield process, url
    process.send_signal(signal.SIGCONT)
    process.terminate()
    process.wait(10)


def _pings(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=0.5).ping()
    except redis.RedisError:
        return False


class Browser:
    """A signed-in official, with cookies and the CSRF token, talking HTTP to gunicorn."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        status, page = self.get("/accounts/login/")
        assert status == 200
        self.post("/accounts/login/", {"username": username, "password": PASSWORD}, page)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict, page: str | None = None) -> tuple[int, str]:
        page = page if page is not None else self.get(path)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def with_production_password(*users) -> None:
    """The tests hash with MD5 for speed; the production settings gunicorn runs with accept PBKDF2."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    for user in users:
        type(user).objects.filter(pk=user.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))


def by_state(dashboard: str) -> list[int]:
    """The dashboard's "dossiers by state" row: not started, draft or returned, submitted, ..."""
    row = re.search(r"<caption>[^<]*</caption>.*?<tbody><tr>(.*?)</tr>", dashboard, re.S).group(1)
    return [int(n) for n in re.findall(r">(\d+)</td>", row)]


def app_env(**extra) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
        "DEBUG": "0",
        "SECRET_KEY": "cache-fault-test-secret",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CACHE_RETRY_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.fixture
def standing(people):
    """A district with no end date, its commune's officer and its police, and the commune's draft: the
    server runs in its own process on today's clock, where the border districts' posts only read (F17);
    the cache's faults are what this test is about, not the reform."""
    from tests.factories import CommuneFactory, DistrictFactory, DossierFactory
    from tests.world import make_official

    district = DistrictFactory(province=people.province)
    commune = CommuneFactory(district=district, province=people.province)
    officer = make_official("commune_officer", commune, username="officer_standing")
    police = make_official("district_police", district, username="police_standing")
    return type("Standing", (), {"officer": officer, "police": police})(), DossierFactory(
        commune=commune, year=2024
    )


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_paused_cache_serves_every_page_and_nothing_stale_after_it_resumes(standing, cache_redis):
    people, dossier = standing
    cache_process, cache_url = cache_redis
    workflow.fill(dossier, people.officer)  # answers and evidence: ready to submit
    with_production_password(people.police, people.officer)
    ARTEFACTS.mkdir(exist_ok=True)
    env = app_env(DATABASE_URL=database_url(), CACHE_URL=cache_url, REDIS_URL=os.environ["REDIS_URL"])
    worker = Worker(os.environ["REDIS_URL"], ARTEFACTS / "cache-fault-worker.log", {"CACHE_URL": cache_url})
    worker.start()
    server, base = serve(env, ARTEFACTS / "cache-fault-gunicorn.log")
    try:
        police, officer = Browser(base, "police_standing"), Browser(base, "officer_standing")
        pages = ["/", "/dashboard/?year=2024", f"/dossiers/{dossier.pk}/"]
        for path in pages * 2:  # computed, then served from the cache
            assert police.get(path)[0] == 200
        assert redis.Redis.from_url(cache_url).dbsize() > 0
        assert f'href="/dossiers/{dossier.pk}/"' not in police.get("/")[1].split('id="all-title"')[0]
        assert by_state(police.get("/dashboard/?year=2024")[1])[1:3] == [1, 0]  # draft 1, submitted 0

        cache_process.send_signal(signal.SIGSTOP)  # the cache hangs: connections open, no answer
        for path in pages:
            assert police.get(path)[0] == 200, path
        form = officer.get(f"/dossiers/{dossier.pk}/self-assessment/")[1]
        data = {"version": re.search(r'name="version" value="(\d+)"', form).group(1), "submit": "1"}
        for criterion in dossier.applicable_criteria():
            data[f"value_{criterion.pk}"] = (
                "1" if criterion.measure == "boolean" else str(workflow.meeting_value(criterion))
            )
            data[f"explanation_{criterion.pk}"] = "Đã rà soát trong lúc bộ nhớ đệm ngừng"
        status, confirm = officer.post(f"/dossiers/{dossier.pk}/self-assessment/", data, form)
        assert status == 200  # saved, and followed the redirect to the confirmation page
        version = re.search(r'name="version" value="(\d+)"', confirm).group(1)
        status, _ = officer.post(
            f"/dossiers/{dossier.pk}/actions/submit/", {"version": version, "confirmed": "1"}, confirm
        )
        assert status == 200  # followed the redirect to the dossier page
        assert Dossier.objects.get(pk=dossier.pk).state == Dossier.State.SUBMITTED
        status, body = police.get("/healthz")
        assert status == 200 and json.loads(body)["cache"] == "degraded"

        cache_process.send_signal(signal.SIGCONT)  # back, with every entry it held before
        time.sleep(1.5)  # CACHE_RETRY_SECONDS: each process tries the cache again
        status, body = police.get("/healthz")
        assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}
        inbox = police.get("/")[1]
        assert f'href="/dossiers/{dossier.pk}/"' in inbox.split('id="all-title"')[0]  # awaiting me
        assert "Đã nộp" in police.get(f"/dossiers/{dossier.pk}/")[1]
        assert by_state(police.get("/dashboard/?year=2024")[1])[1:3] == [0, 1]  # draft 0, submitted 1
        wait_for(lambda: "outbox.tasks.send_emails" in worker.log_path.read_text(), timeout=30)
    finally:
        cache_process.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(10)
        worker.stop()


def probe(env: dict, *args: str) -> dict | None:
    result = subprocess.run(
        [sys.executable, "tests/deployment_probe.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout) if args[0] == "pages" else None


def test_two_deployments_sharing_one_redis_database_never_serve_each_others_pages(cache_redis, tmp_path):
    _, cache_url = cache_redis
    shared = {"CACHE_URL": cache_url, "REDIS_URL": cache_url, "ALLOWED_HOSTS": "testserver"}
    a = app_env(DATABASE_URL=f"sqlite:///{tmp_path}/a.sqlite3", **shared)
    b = app_env(DATABASE_URL=f"sqlite:///{tmp_path}/b.sqlite3", **shared)
    probe(a, "setup", "A")
    probe(b, "setup", "B")

    seen_a = probe(a, "pages")  # A's pages, now in the shared cache
    seen_b = probe(b, "pages")
    assert seen_a["names"] == ["Xã Mỹ Lý A"]
    assert seen_b["names"] == ["Xã Mỹ Lý B"]  # B's own data, not A's cached pages
    assert seen_a["installation"] != seen_b["installation"]

    # One deployment, its processes spelling DATABASE_URL differently: they share the entries. (A
    # rename without a signal changes no version: the second process is served the first's page.)
    a_elsewhere = {**a, "DATABASE_URL": f"sqlite:///{tmp_path}/./a.sqlite3"}
    probe(a, "rename", "A2")
    again = probe(a_elsewhere, "pages")
    assert again["installation"] == seen_a["installation"]
    assert again["names"] == ["Xã Mỹ Lý A"]  # from the shared cache entry

    # The control: without their own identities (one CACHE_KEY_PREFIX for both), B would read A's pages.
    same = {"CACHE_KEY_PREFIX": "same"}
    probe({**a, **same}, "pages")
    assert probe({**b, **same}, "pages")["names"] == ["Xã Mỹ Lý A2"]
