"""A module's shared world (tests/world.py) fails the test that changes it, instead of leaking the change
into the next test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.models import Dossier
from tests.factories import DossierFactory
from tests.world import SharedWorld

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_a_change_held_stored_or_on_disk_is_named(people, tmp_path):
    file = tmp_path / "decision.pdf"
    file.write_bytes(b"%PDF-1.7 original")
    world = SharedWorld("sample")
    dossier = world.keep("dossier", DossierFactory(commune=people.my_ly, year=2024))
    world.keep_file("decision", file)
    world.freeze()
    assert world.changes() == []
    world.verify("untouched")  # passes

    dossier.year = 2023
    assert world.changes() == ["dossier (held in memory: year)"]
    dossier.year = 2024
    Dossier.objects.filter(pk=dossier.pk).update(year=2021)
    assert world.changes() == ["dossier (stored: year)"]
    Dossier.objects.filter(pk=dossier.pk).update(year=2024)
    file.write_bytes(b"%PDF-1.7 rendered again")
    assert world.changes() == [f"decision (file {file} changed)"]
    with pytest.raises(pytest.fail.Exception, match=r"test_x changed the module's shared world 'sample'"):
        world.verify("test_x")


def test_the_suite_fails_the_test_that_changed_the_world_loudly(tmp_path):
    """The check runs after each test of a module with a world: the changing test errors, by name."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "NGHEAN_REQUIRE_ALL_TESTS": "",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-q",
            "tests/shared_world_probe.py",
            "-o",
            "addopts=",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    # The changing test errors at its teardown; the next one finds the world restored and passes.
    assert "2 passed, 1 error" in out, out
    assert (
        "tests/shared_world_probe.py::test_that_changes_the_shared_dossier changed the module's shared "
        "world 'probe': dossier (held in memory: year)"
    ) in out, out
