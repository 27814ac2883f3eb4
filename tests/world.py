"""The reference world of the test suite, built once per test database, and worlds shared by a module.

`seed_reference_world` loads what every test may read (the province's border units and the units they
became, the laws the documents cite, the criteria set of Decision 28) and creates the officials of every
role once. pytest-django then runs each test in its own transaction, rolled back after it, so a test can
change any of it without another test seeing the change. A test that commits (`transaction=True`, the
live server, the Celery worker) has the database flushed after it; `tests/conftest.py` seeds it again.

`SharedWorld` is a module's world: built once, inside a transaction that is never committed and is rolled
back when the module ends, so other modules still find only the reference world. Each test of the module
runs inside a savepoint, so what it writes to the database is undone; what it could leak is an object held
in memory or a file on disk. `SharedWorld.verify` runs after each test of the module and fails naming the
object or file a test changed.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Iterable
from pathlib import Path

import pytest

REFERENCE_FIXTURES = ("border_communes", "legal_bases", "criteria_qd28_2025")
# A row only the seed creates: when it is gone, a committing test's flush took the world with it.
SENTINEL_USERNAME = "root"
# Held since the reform: tests on a frozen clock (2026, 2027) find every post active.
POSTS_START = datetime.date(2025, 7, 1)
# The district procedure's officials hold their posts from before it ran (2022), until their units ceased
# on 30 June 2025: from then on their posts only read (F17).
DISTRICT_POSTS_START = datetime.date(2022, 1, 1)
# The district procedure runs only while its bodies exist: its tests travel to this day (the
# `district_clock` marker, tests/conftest.py), 10 days before the districts ceased.
DISTRICT_CLOCK = datetime.datetime(2025, 6, 20, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))

# attribute of `People` -> (role, where the post sits, username, extra user fields)
DISTRICT_OFFICIALS = [
    ("officer", "commune_officer", "my_ly", "officer", {"email": "xa@example.vn"}),
    ("police", "district_police", "ky_son", "police", {"email": "ca@example.vn"}),
    ("chair", "district_chair", "ky_son", "chair", {"email": "ct@example.vn"}),
    ("provincial_police", "provincial_police", "province", "pc04", {}),
    ("viewer", "provincial_viewer", "province", "viewer", {}),
    ("other_officer", "commune_officer", "hanh_lam", "officer_tc", {}),
    ("other_police", "district_police", "thanh_chuong", "police_tc", {}),
    ("other_chair", "district_chair", "thanh_chuong", "chair_tc", {}),
    ("clerk", "district_clerk", "ky_son", "clerk", {}),
]
PROVINCE_OFFICIALS = [
    ("commune_police", "commune_police", "new_my_ly", "ca_myly", {}),
    ("commune_chair", "commune_chair", "new_my_ly", "ct_myly", {}),
    ("bac_ly_police", "commune_police", "bac_ly", "ca_bacly", {}),
    ("bac_ly_chair", "commune_chair", "bac_ly", "ct_bacly", {}),
    ("tam_quang_police", "commune_police", "tam_quang", "ca_tamquang", {}),
    ("tam_quang_chair", "commune_chair", "tam_quang", "ct_tamquang", {}),
    ("council_member", "council_member", "province", "hoidong", {}),
    ("council_secretary", "council_secretary", "province", "thuky", {}),
    ("provincial_chair", "provincial_chair", "province", "ct_tinh", {}),
    ("provincial_vice_chair", "provincial_vice_chair", "province", "pct_tinh", {}),
    ("ministry", "ministry_viewer", None, "bocongan", {}),
    ("other_province_police", "provincial_police", "other_province", "ca_thanhhoa", {}),
    ("other_province_commune_police", "commune_police", "other_province_commune", "ca_xa_th", {}),
]
OFFICIALS = DISTRICT_OFFICIALS + PROVINCE_OFFICIALS
# attribute -> (level, code, of the units after the reform?)
UNITS = {
    "my_ly": ("commune", "16816", False),
    "hanh_lam": ("commune", "17722", False),
    "ky_son": ("district", "417", False),
    "thanh_chuong": ("district", "428", False),
    "province": ("province", "40", False),
    "new_my_ly": ("commune", "16816", True),
    "bac_ly": ("commune", "16819", True),
    "tam_quang": ("commune", "16933", True),
    "other_province": ("province", "38", False),
    "other_province_commune": ("commune", "14800", True),
}


def make_official(role, unit, username=None, **user_fields):
    """A user holding an active post of `role` in `unit` (the `official` fixture)."""
    from communes.models import ROLE_LEVEL, Commune, District, Province
    from communes.services import post_create
    from tests.factories import UserFactory

    expected = {"commune": Commune, "district": District, "province": Province}.get(ROLE_LEVEL[role])
    assert (unit is None) if expected is None else isinstance(unit, expected)
    user = UserFactory(username=username, **user_fields) if username else UserFactory(**user_fields)
    post_create(user=user, role=role, unit=unit)
    return user


class People:
    """Officials of every role, in scope (Mỹ Lý / Kỳ Sơn, the new Xã Mỹ Lý and Xã Bắc Lý) and out of
    scope (Hạnh Lâm / Thanh Chương, Xã Tam Quang, another province)."""


def _units() -> dict:
    from communes.models import Commune, District, Province

    found: dict = {}
    communes = Commune.objects.filter(code__in=[c for lvl, c, _ in UNITS.values() if lvl == "commune"])
    for commune in communes.select_related("district", "province"):
        found[("commune", commune.code, commune.district_id is None)] = commune
    for district in District.objects.filter(code__in=["417", "428"]).select_related("province"):
        found[("district", district.code, False)] = district
    for province in Province.objects.filter(code__in=["40", "38"]):
        found[("province", province.code, False)] = province
    return {name: found.get(key) for name, key in UNITS.items()}


def seed_reference_world() -> None:
    """Load the reference data and create the officials of every role (once per test database)."""
    from django.core.management import call_command

    from communes.models import Commune, IssuingBody, Post, Province
    from communes.services import issuing_body_for, post_create
    from tests.factories import UserFactory

    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    other = Province.objects.create(code="38", name="Tỉnh Thanh Hóa")
    Commune.objects.create(
        code="14800", name="Xã Thử Thanh Hóa", kind="xa", province=other, valid_from=POSTS_START
    )
    units = _units()
    for attribute, role, unit, username, fields in OFFICIALS:
        district_era = any(attribute == row[0] for row in DISTRICT_OFFICIALS)
        post_create(
            user=UserFactory(username=username, **fields),
            role=role,
            unit=units[unit] if unit else None,
            started_on=DISTRICT_POSTS_START if district_era else POSTS_START,
        )
    UserFactory(username=SENTINEL_USERNAME, is_staff=True, is_superuser=True)
    # Both districts let the application keep their register, so a decision is numbered when it is
    # recorded (the default of a People's Committee, the clerk's number, has its own tests: clerk_mode).
    for district in (units["ky_son"], units["thanh_chuong"]):
        body = issuing_body_for(unit=district, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)
        IssuingBody.objects.filter(pk=body.pk).update(numbering=IssuingBody.Numbering.APPLICATION)
    assert Post.objects.count() == len(OFFICIALS)


def reference_world_present() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=SENTINEL_USERNAME).exists()


def load_people() -> People:
    """The seeded officials and their units, read in two queries and a few lookups."""
    from django.contrib.auth import get_user_model

    p = People()
    for name, unit in _units().items():
        setattr(p, name, unit)
    usernames = {username: attribute for attribute, _r, _u, username, _f in OFFICIALS}
    users = get_user_model().objects.filter(username__in=[*usernames, SENTINEL_USERNAME])
    for user in users:
        setattr(p, usernames.get(user.username, "admin"), user)
    missing = [a for a, *_ in OFFICIALS if not hasattr(p, a)] + ([] if hasattr(p, "admin") else ["admin"])
    assert not missing, f"the reference world lacks {missing}: was it flushed and not seeded again?"
    return p


# --- a module's world ------------------------------------------------------------------------------


def _fingerprint_of(obj) -> dict:
    from django.forms.models import model_to_dict

    values = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    return {key: str(value) for key, value in values.items()}


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


class SharedWorld:
    """Objects and files built once for a module; `verify()` fails loudly if a test changed one.

    Each object is checked as held in memory (a test that sets an attribute on the shared instance) and as
    stored (a test that commits past the module's transaction); each file by its SHA-256.
    """

    def __init__(self, name: str):
        self.name = name
        self.objects: dict[str, object] = {}
        self.files: dict[str, Path] = {}
        self._objects_then: dict[str, dict] = {}
        self._stored_then: dict[str, dict | None] = {}
        self._files_then: dict[str, str | None] = {}

    def keep(self, label: str, obj) -> object:
        """Watch a model instance (returned for convenience)."""
        self.objects[label] = obj
        return obj

    def keep_file(self, label: str, path: str | Path) -> None:
        self.files[label] = Path(path)

    def freeze(self) -> None:
        """Record each watched object as held and as stored, and each file: what every test leaves."""
        self._objects_then = {label: _fingerprint_of(obj) for label, obj in self.objects.items()}
        self._held_copies = {label: copy.deepcopy(obj.__dict__) for label, obj in self.objects.items()}
        self._file_copies = {label: p.read_bytes() for label, p in self.files.items() if p.exists()}
        self._stored_then = {label: self._stored(obj) for label, obj in self.objects.items()}
        self._files_then = {label: _sha256(path) for label, path in self.files.items()}

    @staticmethod
    def _stored(obj) -> dict | None:
        row = type(obj)._base_manager.filter(pk=obj.pk).first()
        return None if row is None else _fingerprint_of(row)

    def changes(self) -> list[str]:
        """What differs from the frozen world, one line per object or file."""
        found = []
        for label, obj in self.objects.items():
            for where, then, now in (
                ("held in memory", self._objects_then[label], _fingerprint_of(obj)),
                ("stored", self._stored_then[label], self._stored(obj)),
            ):
                if now is None:
                    found.append(f"{label} (deleted from the database)")
                elif now != then:
                    fields = sorted(k for k in then if now.get(k) != then[k])
                    found.append(f"{label} ({where}: {', '.join(fields)})")
        for label, path in self.files.items():
            if _sha256(path) != self._files_then[label]:
                found.append(f"{label} (file {path} changed)")
        return found

    def restore(self) -> None:
        """Put back what a test changed in memory or on disk, so that the next test finds the world whole."""
        for label, obj in self.objects.items():
            obj.__dict__.clear()
            obj.__dict__.update(copy.deepcopy(self._held_copies[label]))
        for label, path in self.files.items():
            if label in self._file_copies:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(self._file_copies[label])

    def verify(self, test_name: str) -> None:
        """Fail `test_name` if it changed the world (and restore the world for the tests after it)."""
        changed = self.changes()
        if changed:
            self.restore()
            pytest.fail(
                f"{test_name} changed the module's shared world {self.name!r}: {'; '.join(changed)}. "
                "Copy the object (or build your own) before changing it.",
                pytrace=False,
            )


class module_world:
    """Context manager for a module-scoped fixture: a transaction that is never committed, its own media
    folder, and the world's check registered for each test of the module.

        @pytest.fixture(scope="module")
        def issued(django_db_setup, django_db_blocker, tmp_path_factory):
            with module_world("issued", django_db_blocker, tmp_path_factory) as world:
                ... build, world.keep(...), world.keep_file(...)
                world.freeze()
                yield world
    """

    active: list[tuple[SharedWorld, Path]] = []

    def __init__(self, name: str, django_db_blocker, tmp_path_factory):
        self.world = SharedWorld(name)
        self.blocker = django_db_blocker
        # One media folder for the worlds of a module: a document's path reads the same in each test.
        active = media_of_active_world()
        self.media = active.parent if active else tmp_path_factory.mktemp(f"world-{name}")

    def __enter__(self) -> SharedWorld:
        from django.db import transaction
        from django.test import override_settings

        self.unblocked = self.blocker.unblock()
        self.unblocked.__enter__()
        self.settings = override_settings(MEDIA_ROOT=str(self.media / "media"), LANGUAGE_CODE="vi")
        self.settings.enable()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        module_world.active.append((self.world, self.media / "media"))
        return self.world

    def __exit__(self, *exc) -> None:
        from django.core.cache import cache
        from django.db import transaction

        module_world.active.remove((self.world, self.media / "media"))
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.settings.disable()
        cache.clear()
        self.unblocked.__exit__(*exc)


def media_of_active_world() -> Path | None:
    return module_world.active[-1][1] if module_world.active else None


def verify_active_worlds(test_name: str, worlds: Iterable[tuple[SharedWorld, Path]] | None = None) -> None:
    for world, _media in list(worlds if worlds is not None else module_world.active):
        world.verify(test_name)
