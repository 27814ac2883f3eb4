"""Load benchmark: gunicorn (2 workers, persistent connections) on PostgreSQL, measured with wrk.

    apt-get install -y --no-install-recommends wrk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py \
        [--scales 460,10000] [--years 5] [--seconds 8] [--modes cached,writes,off] [--rounds 1]

For each scale it seeds N communes x Y years (seed_demo) in a throwaway database
(nghean_bench_load), signs in as a provincial viewer and runs wrk on loopback against the anonymous
sign-in page (the yardstick: it does not change with our pages), /healthz, the reference page (signed
in, base layout, no data), the inbox, the dashboard and a dossier page, in three modes:

- cached: the cache in its own Redis (CACHE_URL, default redis://127.0.0.1:6379/8) as in production;
- writes: the same, with bench/writer.py saving a commune's draft 5 times a second through the services;
- off: Django's DummyCache (CACHE_BACKEND=dummy): every page computed.

Prints requests per second, p50 and p99 latency, each page's p50 as a multiple of the sign-in page's,
and its SQL query count (cached and computed). Not a test: the figures go in the closing note.
"""

import argparse
import contextlib
import http.cookiejar
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "nghean_bench_load"
PASSWORD = "Bench-Nghe-An-2025"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(
    base: str, username: str = "bench.viewer", password: str = PASSWORD, path: str = "/accounts/login/"
) -> str:
    """Sign in through the real form (CSRF token and all); the session's cookies as a header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + path).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(base + path, data.encode(), headers={"Referer": base + "/"}))
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit(f"could not sign in as {username} at {base}{path}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, cookie: str, seconds: int) -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


# Issue 32's targets: p50 as a multiple of the sign-in page's, per scale and mode (None: no target).
TARGETS = {
    "reference": {"460": (2, 2, 2), "10000": (2, 2, 2), "34x100": (2, 2, 2)},
    "inbox": {"460": (5, 6, 7), "10000": (7, 8, 10)},
    "dashboard": {"460": (5, 6, 7), "10000": (7, 8, 10)},
    "dossier page": {"460": (5, 6, 7), "10000": (7, 8, 10)},
    "national": {"34x100": (5, 6, 7)},
}
MODES = ("cached", "writes", "off")


def target_of(page: str, scale: str, mode: str) -> float | None:
    per_scale = TARGETS.get(page, {}).get(scale)
    return per_scale[MODES.index(mode)] if per_scale and mode in MODES else None


def bench_environment() -> dict:
    """A throwaway database (nghean_bench_load) migrated, Django set up on it; the servers' environment."""
    import psycopg2

    base_url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname="postgres",
        user=base_url.username or "postgres",
        host=base_url.hostname,
        port=base_url.port or 5432,
        password=base_url.password,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cur.execute(f"CREATE DATABASE {BENCH_DB}")
    conn.close()
    database_url = base_url._replace(path=f"/{BENCH_DB}", query="conn_max_age=60").geturl()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
        "SECRET_KEY": "bench-load-secret",
        "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "WARNING",
        # The cache is Redis, as in production: shared by both workers, one round trip per lookup.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/8"),
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)

    return env


def seed(scale, years: int, country: str = ""):
    """Seed N communes x Y years (or the country's provinces x units); the viewer and the pages to load."""
    from django.core.management import call_command
    from django.db import connection

    if country:
        n_provinces, n_units = (int(x) for x in country.split("x"))
        call_command(
            "seed_demo",
            "--provinces",
            str(n_provinces),
            "--units",
            str(n_units),
            "--years",
            str(years),
            stdout=io.StringIO(),
        )
    else:
        call_command("seed_demo", "--communes", str(scale), "--years", str(years), stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from django.contrib.auth import get_user_model

    from assessments.models import Dossier
    from communes.models import Province, Role
    from communes.services import post_create

    viewer, created = get_user_model().objects.get_or_create(
        username="bench.viewer", defaults={"full_name": "Cán bộ theo dõi"}
    )
    if created:
        viewer.set_password(PASSWORD)
        viewer.save()
        if country:
            post_create(user=viewer, role=Role.MINISTRY_VIEWER, unit=None)
        else:
            post_create(user=viewer, role=Role.PROVINCIAL_VIEWER, unit=Province.objects.get(code="40"))
    dossier = Dossier.objects.filter(state="recognised").order_by("-year", "pk").first()
    pages = {
        "/healthz": "/healthz",
        "reference": "/reference/",
        "inbox": "/",
        "dashboard": "/dashboard/",
        "dossier page": f"/dossiers/{dossier.pk}/",
    }
    if country:
        pages = {
            "/healthz": "/healthz",
            "reference": "/reference/",
            "national": "/dashboard/national/2026/",
            "province cycle": "/dashboard/cycle/2026/?province=17",
            "dossier page": f"/dossiers/{dossier.pk}/",
        }
    return viewer, pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="460,10000")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--modes", default="cached,writes,off")
    # Each round runs the sign-in page and every page once more, on the same server: the noise of a
    # shared 2-core machine shows in the spread of the rounds' ratios.
    parser.add_argument("--rounds", type=int, default=1)
    # "34x100": the country's pages instead (seed_country: 34 provinces of 100 units), as the Ministry's viewer.
    parser.add_argument("--country", default="")
    args = parser.parse_args()

    env = bench_environment()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for scale in [args.country] if args.country else [int(s) for s in args.scales.split(",")]:
        started = time.perf_counter()
        viewer, pages = seed(scale, args.years, args.country)
        seeded = time.perf_counter() - started
        from assessments.models import Dossier

        client = Client()
        client.force_login(viewer)
        queries, computed, miss_queries = {}, {}, {}
        for name, path in pages.items():
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200, path
            queries[name] = len(ctx)
            # What a cache miss costs: the page computed in this process, the cache emptied each time.
            times = []
            for _ in range(7):
                cache.clear()
                started_one = time.perf_counter()
                with CaptureQueriesContext(connection) as ctx:
                    client.get(path)
                times.append((time.perf_counter() - started_one) * 1000)
                miss_queries[name] = len(ctx)
            computed[name] = sorted(times)[len(times) // 2]
        dossiers = Dossier.objects.count()
        print(
            f"\n{scale} {'provinces x units' if args.country else 'communes'} x {args.years} years ({dossiers} dossiers, seeded in {seeded:.0f} s); "
            f"wrk -t2 -c8 -d{args.seconds}s, gunicorn -w 2 on 2 cores; x = p50 / p50 of the sign-in page"
        )
        for mode in args.modes.split(","):
            rounds = run_mode(mode, env, pages, args.seconds, args.rounds)
            print(
                f"\nmode: {mode}"
                + (
                    f" (median of {args.rounds} rounds; x: the median of the rounds' ratios)"
                    if args.rounds > 1
                    else ""
                )
            )
            print(
                f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x sign-in':>11}{'target':>8}{'':>7}"
                f"{'errors':>8}{'queries':>9}{'x per round':>24}"
            )
            for name in rounds[0]:
                runs = [results[name] for results in rounds]
                ratios = [results[name]["p50"] / results["sign-in"]["p50"] for results in rounds]
                q = queries.get(name, "") if mode != "off" else miss_queries.get(name, "")
                ratio = statistics.median(ratios)
                target = target_of(name, str(scale), mode)
                verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
                each = " ".join(f"{r:.2f}" for r in ratios) if len(ratios) > 1 else ""
                print(
                    f"{name:<14}{statistics.median(r['rps'] for r in runs):>9.0f}"
                    f"{statistics.median(r['p50'] for r in runs):>9.1f}{statistics.median(r['p99'] for r in runs):>9.1f}"
                    f"{ratio:>11.2f}{'' if target is None else f'<= {target}':>8}{verdict:>7}"
                    f"{sum(r['errors'] for r in runs):>8}{q!s:>9}  {each}"
                )
                if "writes" in runs[0]:
                    print(f"  (background writes during the run: {runs[0]['writes']})")
        print("\nqueries: one request, cached (modes cached/writes) or computed (mode off), in-process")
        print(
            "miss ms (in-process, median of 7, cache emptied each time):",
            {k: round(v, 1) for k, v in computed.items()},
        )


def mode_environment(mode: str, env: dict) -> dict:
    """Mode off: Django's DummyCache, every page computed; otherwise the cache on its Redis."""
    return {**env, "CACHE_BACKEND": "dummy"} if mode == "off" else dict(env)


@contextlib.contextmanager
def serve(env: dict):
    """gunicorn -w 2 (sync workers) on a free loopback port; its base URL once /healthz answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "nghean_dfc.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def run_mode(mode: str, env: dict, pages: dict, seconds: int, rounds: int = 1) -> list[dict]:
    """Each round: wrk on the sign-in page, then on each page; one server (and writer) for all rounds."""
    mode_env = mode_environment(mode, env)
    writer = None
    with serve(mode_env) as base:
        try:
            cookie = sign_in(base)
            if mode == "writes":
                writer = subprocess.Popen(
                    [sys.executable, str(ROOT / "bench" / "writer.py"), "--rate", "5"],
                    cwd=ROOT,
                    env=mode_env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                time.sleep(1)
            results = []
            for _ in range(rounds):
                one = {"sign-in": wrk(base + "/accounts/login/", "", seconds)}
                for name, path in pages.items():
                    one[name] = wrk(base + path, cookie, seconds)
                results.append(one)
        finally:
            if writer is not None:
                writer.terminate()
                out = writer.communicate(timeout=30)[0]
                for one in results:
                    one["sign-in"]["writes"] = out.strip()
    return results


if __name__ == "__main__":
    main()
