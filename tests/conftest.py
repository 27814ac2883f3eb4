"""Shared fixtures, and the rule that tests needing real services skip locally but fail in CI.

CI sets NGHEAN_REQUIRE_ALL_TESTS=1: a PostgreSQL, Redis/Celery-worker or browser test that cannot
run there is a failure, not a skip.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _requirement_missing(marker_name: str) -> str | None:
    if marker_name == "postgres":
        if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    elif marker_name == "celery_worker":
        if not _redis_reachable():
            return "needs Redis for a real Celery worker: set REDIS_URL=redis://..."
    elif marker_name == "browser":
        if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
            return "needs Debian's chromium (apt-get install --no-install-recommends chromium)"
    return None


def pytest_runtest_setup(item):
    for name in ("postgres", "celery_worker", "browser"):
        if item.get_closest_marker(name) is None:
            continue
        reason = _requirement_missing(name)
        if reason is None:
            continue
        if os.environ.get("NGHEAN_REQUIRE_ALL_TESTS"):
            pytest.fail(f"required in CI but cannot run: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _district_clock(request):
    """A test marked `district_clock` (or in a module so marked) runs while the district bodies exist,
    before 1 July 2025 (tests.world.DISTRICT_CLOCK): the district procedure's posts grant nothing after
    (F17); `district_clock(moment)` travels to another moment of those years."""
    marker = request.node.get_closest_marker("district_clock")
    if marker is None:
        yield
        return
    import time_machine

    from tests.world import DISTRICT_CLOCK

    with time_machine.travel(marker.args[0] if marker.args else DISTRICT_CLOCK, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the reference world: units, laws, criteria sets and officials of every
    role, built once (each worker of pytest-xdist has its own database)."""
    from tests.world import reference_world_present, seed_reference_world

    with django_db_blocker.unblock():
        if not reference_world_present():  # --reuse-db keeps it from the last run
            seed_reference_world()
    _database_ready.append(True)


_database_ready: list[bool] = []  # the test database is set up in this process


def _commits(item) -> bool:
    """Whether the test commits (its database is flushed after it, taking the reference world)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that commits, the reference world is seeded again for the tests that follow."""
    result = yield
    if _commits(item) and _database_ready and nextitem is not None:  # None: the database is gone
        from pytest_django.plugin import blocking_manager_key

        from tests.world import reference_world_present, seed_reference_world

        with item.config.stash[blocking_manager_key].unblock():
            if not reference_world_present():
                seed_reference_world()
    return result


@pytest.fixture
def border_units(db):
    """The province, its 6 border districts and 27 border communes, from the fixture (by code, as they
    were before 1 July 2025; the fixture also holds the units they became: `new_units`)."""
    from communes.models import Commune

    return {c.code: c for c in Commune.objects.filter(district__isnull=False).select_related("district")}


@pytest.fixture
def new_units(border_units):
    """The units after the reform (1 July 2025) in the border fixture, by code."""
    from communes.models import Commune

    return {c.code: c for c in Commune.objects.filter(district__isnull=True).select_related("province")}


@pytest.fixture
def only_border_units(blank_database):
    """The world as the border fixture alone makes it: its units, no official, law or criteria set."""
    from django.core.management import call_command

    call_command("loaddata", "border_communes", verbosity=0)


@pytest.fixture
def blank_database(db):
    """A database holding none of the reference world (units, officials, laws, criteria sets), for a
    test that loads or counts them itself. Emptied inside the test's transaction: it comes back after."""
    from django.db import connection

    keep = {"django_migrations", "django_content_type", "auth_permission"}
    tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in keep]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.fixture(autouse=True)
def _vietnamese_by_default_and_own_media(request, settings, tmp_path):
    """Vietnamese as in production; each test stores its evidence and PDFs in its own folder (in a
    module with a shared world, the world's folder: its files are checked after each test)."""
    from django.core.cache import cache

    from tests.world import media_of_active_world, module_world, verify_active_worlds

    settings.LANGUAGE_CODE = "vi"
    settings.MEDIA_ROOT = str(media_of_active_world() or tmp_path / "media")
    cache.clear()
    # Kept per process under the users' grants versions: a test's rolled-back writes never reach it.
    from communes.permissions import _GRANTS
    from communes.selectors import _POSTS

    _POSTS.clear()
    _GRANTS.clear()
    worlds = list(module_world.active)
    yield
    if worlds:
        from pytest_django.plugin import blocking_manager_key

        with request.config.stash[blocking_manager_key].unblock():
            verify_active_worlds(request.node.nodeid, worlds)


@pytest.fixture
def official(db):
    """official(role, unit, username=None) -> a user holding an active post of `role` in `unit`."""
    from tests.world import make_official

    return make_official


@pytest.fixture
def people(db):
    """Officials of every role, in scope (Mỹ Lý / Kỳ Sơn) and out of scope (Hạnh Lâm / Thanh Chương),
    from the reference world (`tests/world.py`); each test's changes to them are rolled back."""
    from tests.world import load_people

    return load_people()


@pytest.fixture
def clerk_mode(people):
    """Kỳ Sơn's People's Committee numbers in the office's register: its clerk gives the numbers."""
    from communes.models import IssuingBody

    IssuingBody.objects.filter(code=people.ky_son.code).update(numbering=IssuingBody.Numbering.CLERK)
    return people


@pytest.fixture
def dossier(people):
    """The 2024 draft dossier of Mỹ Lý (Kỳ Sơn), on a small three-criteria set."""
    from tests.factories import DossierFactory

    return DossierFactory(commune=people.my_ly, year=2024)


@pytest.fixture
def province_people(people):
    """The officials of the procedure in force (Decision 28), on the new units: the new Xã Mỹ Lý and
    Xã Bắc Lý (in scope), Xã Tam Quang (another commune); plus the Ministry's viewer and an official of
    another province. The same reference world as `people` (every post held since 1 July 2025)."""
    return people


@pytest.fixture
def unreachable_cache(settings):
    """A Redis cache where nothing listens (the cache's server is down)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "communes.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_timeout": 0.2, "socket_connect_timeout": 0.2},
            "KEY_PREFIX": "test",
            "KEY_FUNCTION": "communes.deployment.make_key",
        }
    }
    from communes import fragments

    fragments._Health.down_until = 0.0
    yield
    fragments._Health.down_until = 0.0
