"""Run by tests/test_shared_world.py in a pytest of its own: a module whose first test changes an object
of the module's shared world. Not collected with the suite (its name does not start with test_)."""

import pytest

from tests.factories import DossierFactory
from tests.world import load_people, module_world


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_world("probe", django_db_blocker, tmp_path_factory) as world:
        dossier = world.keep("dossier", DossierFactory(commune=load_people().my_ly, year=2024))
        world.freeze()
        yield dossier


@pytest.mark.django_db
def test_that_changes_the_shared_dossier(shared):
    shared.year = 1999  # in memory only: the next test would see it


@pytest.mark.django_db
def test_that_only_reads_it(shared):
    assert shared.year == 2024  # the world was restored after the test that changed it
