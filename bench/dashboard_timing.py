"""Dashboard response time and query count at province scale (460 communes) and beyond (5,000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard_timing.py

Creates a throwaway database (nghean_bench_dashboard), seeds 460 communes x 5 years, times the
dashboard as a provincial viewer (median of 20 requests after a warm-up, through Django's test client:
no network, no gunicorn), then grows to 5,000 communes and measures again. Not a test.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "nghean_bench_dashboard"


def main():
    import psycopg2

    base = urlparse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname="postgres",
        user=base.username or "postgres",
        host=base.hostname,
        port=base.port or 5432,
        password=base.password,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cur.execute(f"CREATE DATABASE {BENCH_DB}")
    conn.close()
    os.environ.update(
        {
            "DATABASE_URL": base._replace(path=f"/{BENCH_DB}", query="").geturl() + "?conn_max_age=60",
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
            "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from communes.models import Province, Role
    from communes.services import post_create
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    viewer = UserFactory(username="bench-viewer")
    for scale in (460, 5000):
        started = time.perf_counter()
        call_command("seed_demo", "--communes", str(scale), "--years", "5", stdout=io.StringIO())
        if scale == 460:
            post_create(user=viewer, role=Role.PROVINCIAL_VIEWER, unit=Province.objects.get(code="40"))
        call_command(
            "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"
        )
        seeded = time.perf_counter() - started
        client = Client()
        client.force_login(viewer)
        for url in ("/dashboard/?year=2024", "/dashboard/?year=2024&district=417&state=recognised"):
            client.get(url)
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            print(
                f"{scale:>5} communes (seeded in {seeded:.0f} s) {url:<55} median {statistics.median(times) * 1000:.0f} ms, "
                f"p95 {sorted(times)[18] * 1000:.0f} ms, {len(ctx)} queries"
            )


if __name__ == "__main__":
    main()
