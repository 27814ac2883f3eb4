"""Shared fixtures, and the rule that tests needing real services skip locally but fail in CI.

CI sets NGHEAN_REQUIRE_ALL_TESTS=1: a PostgreSQL, Redis/Celery-worker or browser test that cannot
run there is a failure, not a skip.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

from tests.factories import official  # noqa: F401  (fixture re-export)


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


@pytest.fixture
def border_units(db, django_db_blocker):
    """The province, its 6 border districts and 27 border communes, from the fixture."""
    from django.core.management import call_command

    call_command("loaddata", "border_communes", verbosity=0)
    from communes.models import Commune

    return {c.code: c for c in Commune.objects.select_related("district")}


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    settings.LANGUAGE_CODE = "vi"
