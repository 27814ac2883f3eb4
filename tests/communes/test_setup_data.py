"""From a fresh database, `migrate` plus the data commands (`setup_data`, the reference fixtures) give
the rows the migrations gave before they were reset to one initial migration per app: recorded from
them in tests/data/rows_after_migrations.json (units, criteria sets, legal bases, role groups, the
installation identifier, permissions)."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from communes.models import Installation
from tests.migration_rows import FIXTURES, database_rows

RECORDED = Path(__file__).resolve().parents[1] / "data" / "rows_after_migrations.json"

pytestmark = pytest.mark.django_db


def test_migrate_and_the_data_commands_give_the_rows_of_the_old_migrations(blank_database):
    call_command("setup_data", verbosity=0)
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert database_rows() == json.loads(RECORDED.read_text(encoding="utf-8"))


def test_the_data_steps_run_again_change_nothing(blank_database):
    call_command("setup_data", verbosity=0)
    identifier = Installation.objects.get().identifier
    call_command("setup_data", verbosity=0)
    assert list(Installation.objects.values_list("identifier", flat=True)) == [identifier]


def test_a_role_group_named_before_the_reform_takes_its_unit_s_primary_key(border_units):
    """The step carried from communes/0005: a group named by a unit's code alone takes the unit's key."""
    commune = next(c for c in border_units.values() if c.district_id)
    old = Group.objects.create(name=f"commune:{commune.code}:commune_officer")
    call_command("setup_data", verbosity=0)
    old.refresh_from_db()
    assert old.name == f"commune:{commune.pk}:{commune.code}:commune_officer"
