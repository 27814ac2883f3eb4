"""Shared fixtures, and the rule that tests needing real services skip locally but fail in CI.

CI sets NGHEAN_REQUIRE_ALL_TESTS=1: a PostgreSQL, Redis/Celery-worker or browser test that cannot
run there is a failure, not a skip.
"""

import datetime
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


@pytest.fixture
def border_units(db, django_db_blocker):
    """The province, its 6 border districts and 27 border communes, from the fixture (by code, as they
    were before 1 July 2025; the fixture also holds the units they became: `new_units`)."""
    from django.core.management import call_command

    call_command("loaddata", "border_communes", verbosity=0)
    from communes.models import Commune

    return {c.code: c for c in Commune.objects.filter(district__isnull=False).select_related("district")}


@pytest.fixture
def new_units(border_units):
    """The units after the reform (1 July 2025) in the border fixture, by code."""
    from communes.models import Commune

    return {c.code: c for c in Commune.objects.filter(district__isnull=True).select_related("province")}


@pytest.fixture(autouse=True)
def _vietnamese_by_default_and_own_media(settings, tmp_path):
    """Vietnamese as in production; each test stores its evidence and PDFs in its own folder."""
    from django.core.cache import cache

    settings.LANGUAGE_CODE = "vi"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()


@pytest.fixture
def official(db):
    """official(role, unit, username=None) -> a user holding an active post of `role` in `unit`."""
    from communes.models import ROLE_LEVEL, Commune, District, Province
    from communes.services import post_create
    from tests.factories import UserFactory

    def make(role, unit, username=None, **user_fields):
        expected = {"commune": Commune, "district": District, "province": Province}.get(ROLE_LEVEL[role])
        assert (unit is None) if expected is None else isinstance(unit, expected)
        user = UserFactory(username=username, **user_fields) if username else UserFactory(**user_fields)
        post_create(user=user, role=role, unit=unit)
        return user

    return make


class People:
    """Officials of every role, in scope (Mỹ Lý / Kỳ Sơn) and out of scope (Hạnh Lâm / Thanh Chương)."""


@pytest.fixture
def people(border_units, official):
    from django.core.management import call_command

    from communes.models import District, Province, Role
    from tests.factories import UserFactory

    call_command("loaddata", "legal_bases", verbosity=0)  # the laws the decisions cite
    ky_son, thanh_chuong = District.objects.get(code="417"), District.objects.get(code="428")
    province = Province.objects.get()
    p = People()
    p.my_ly, p.hanh_lam = border_units["16816"], border_units["17722"]
    p.ky_son, p.thanh_chuong, p.province = ky_son, thanh_chuong, province
    p.officer = official(Role.COMMUNE_OFFICER, p.my_ly, username="officer", email="xa@example.vn")
    p.police = official(Role.DISTRICT_POLICE, ky_son, username="police", email="ca@example.vn")
    p.chair = official(Role.DISTRICT_CHAIR, ky_son, username="chair", email="ct@example.vn")
    p.provincial_police = official(Role.PROVINCIAL_POLICE, province, username="pc04")
    p.viewer = official(Role.PROVINCIAL_VIEWER, province, username="viewer")
    p.admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    p.other_officer = official(Role.COMMUNE_OFFICER, p.hanh_lam, username="officer_tc")
    p.other_police = official(Role.DISTRICT_POLICE, thanh_chuong, username="police_tc")
    p.other_chair = official(Role.DISTRICT_CHAIR, thanh_chuong, username="chair_tc")
    p.clerk = official(Role.DISTRICT_CLERK, ky_son, username="clerk")
    # Both districts let the application keep their register, so a decision is numbered when it is
    # recorded (the default of a People's Committee, the clerk's number, has its own tests: clerk_mode).
    from communes.models import IssuingBody
    from communes.services import issuing_body_for

    for district in (ky_son, thanh_chuong):
        body = issuing_body_for(unit=district, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)
        IssuingBody.objects.filter(pk=body.pk).update(numbering=IssuingBody.Numbering.APPLICATION)
    return p


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
def province_people(people, new_units, official):
    """The officials of the procedure in force (Decision 28), on the new units: the new Xã Mỹ Lý and
    Xã Bắc Lý (in scope), Xã Tam Quang (another commune); plus the Ministry's viewer and an official of
    another province."""
    from django.core.management import call_command

    from communes.models import Commune, Province, Role

    call_command("loaddata", "criteria_qd28_2025", verbosity=0)
    p = people
    p.new_my_ly, p.bac_ly, p.tam_quang = new_units["16816"], new_units["16819"], new_units["16933"]
    p.commune_police = official(Role.COMMUNE_POLICE, p.new_my_ly, username="ca_myly")
    p.commune_chair = official(Role.COMMUNE_CHAIR, p.new_my_ly, username="ct_myly")
    p.bac_ly_police = official(Role.COMMUNE_POLICE, p.bac_ly, username="ca_bacly")
    p.bac_ly_chair = official(Role.COMMUNE_CHAIR, p.bac_ly, username="ct_bacly")
    p.tam_quang_police = official(Role.COMMUNE_POLICE, p.tam_quang, username="ca_tamquang")
    p.tam_quang_chair = official(Role.COMMUNE_CHAIR, p.tam_quang, username="ct_tamquang")
    p.council_member = official(Role.COUNCIL_MEMBER, p.province, username="hoidong")
    p.council_secretary = official(Role.COUNCIL_SECRETARY, p.province, username="thuky")
    p.provincial_chair = official(Role.PROVINCIAL_CHAIR, p.province, username="ct_tinh")
    p.provincial_vice_chair = official(Role.PROVINCIAL_VICE_CHAIR, p.province, username="pct_tinh")
    p.ministry = official(Role.MINISTRY_VIEWER, None, username="bocongan")
    other = Province.objects.create(code="38", name="Tỉnh Thanh Hóa")
    p.other_province_commune = Commune.objects.create(
        code="14800", name="Xã Thử Thanh Hóa", kind="xa", province=other, valid_from=datetime.date(2025, 7, 1)
    )
    p.other_province_police = official(Role.PROVINCIAL_POLICE, other, username="ca_thanhhoa")
    p.other_province_commune_police = official(
        Role.COMMUNE_POLICE, p.other_province_commune, username="ca_xa_th"
    )
    # Held since the reform: tests on a frozen clock (2026, 2027) find every post active.
    from communes.models import Post

    Post.objects.update(started_on=datetime.date(2025, 7, 1))
    return p
