"""Fault: the database restarts under the running application (gunicorn, persistent connections)."""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, serve

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are needed for this test")
    return candidates[-1].parent


def as_postgres(args: list[str], **kwargs):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True, **kwargs)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def cluster():
    bindir = pg_bin()
    data = Path(tempfile.mkdtemp(prefix="nghean-pg-restart-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = free_port()
    as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"])
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o", options]
    as_postgres([*pg_ctl, "start"])
    yield port, pg_ctl
    subprocess.run(
        (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
        + [*pg_ctl[:3], "-m", "immediate", "stop"],
        capture_output=True,
    )
    shutil.rmtree(data, ignore_errors=True)


def test_requests_succeed_after_the_database_restarts(cluster, tmp_path):
    port, pg_ctl = cluster
    as_postgres(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE app"])
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
        "DEBUG": "0",
        "SECRET_KEY": "restart-test-secret",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/app?conn_max_age=60",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server, base = serve(env, tmp_path / "gunicorn.log")
    try:
        for _ in range(6):  # both workers now hold a persistent connection
            assert get(base + "/healthz") == (200, '{"status": "ok", "database": "ok", "cache": "ok"}')

        as_postgres([*pg_ctl, "-m", "fast", "restart"])

        statuses = [get(base + "/healthz")[0] for _ in range(10)]
        assert statuses == [200] * 10, statuses
        assert get(base + "/accounts/login/")[0] == 200
    finally:
        server.terminate()
        server.wait(10)
