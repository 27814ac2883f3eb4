"""The dashboards' tallies (số liệu tổng hợp) move with the dossiers, in the writing transaction.

Every step of every procedure's table, to each state it may lead to, moves one count out of its source
and one into its target, in the transaction that takes it: rolled back, the tallies are as before. The
nightly job finds no drift after a campaign driven through the services, and reports one planted on
purpose; the rebuild command repairs it."""

import datetime
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assessments import services, tallies, workflow
from assessments.models import Dossier, SituationCounts, StateTally
from assessments.tasks import reconcile_tallies
from tests import workflow as steps
from tests.factories import DossierFactory, put_in_state, small_criteria_set

pytestmark = pytest.mark.django_db

# (procedure, source, step, target) for every edge of every table.
EDGES = [
    (code, source, step.transition, target)
    for code, procedure in workflow.PROCEDURES.items()
    for source, rule in procedure.states.items()
    for step in rule.steps
    for target in step.targets
]
# Where each procedure's dossiers live: the commune and the year.
HOME = {"district": ("my_ly", 2024), "province": ("new_my_ly", 2026)}


class Rollback(Exception):
    pass


def counts_of(dossier) -> dict[str, int]:
    """The tallies of the dossier's unit and year, by state (empty rows left out)."""
    commune = dossier.commune
    found: dict[str, int] = {}
    for state, n in StateTally.objects.filter(
        province=commune.province_id, district=commune.district_id, year=dossier.year, count__gt=0
    ).values_list("state", "count"):
        found[state] = found.get(state, 0) + n
    return found


def moved(counts: dict[str, int], source: str, target: str) -> dict[str, int]:
    after = dict(counts)
    after[source] -= 1
    after[target] = after.get(target, 0) + 1
    return {state: n for state, n in after.items() if n}


@pytest.fixture
def only_the_move(monkeypatch):
    """Each step's own checks, effects and limits have their tests; here only the move is looked at."""
    monkeypatch.setattr(workflow, "step_needs", lambda transition: None)
    monkeypatch.setattr(workflow, "step_effects", lambda dossier, transition: ())
    monkeypatch.setattr(workflow, "step_refusal", lambda dossier, transition: "")


def test_every_step_of_every_table_is_checked():
    steps_in_tables = {
        step.transition for p in workflow.PROCEDURES.values() for r in p.states.values() for step in r.steps
    }
    assert {name for _, _, name, _ in EDGES} == steps_in_tables
    assert len(EDGES) > 30


@pytest.mark.parametrize("code,source,name,target", EDGES, ids=[f"{c}-{s}-{n}-{t}" for c, s, n, t in EDGES])
def test_a_step_moves_the_tally_in_its_own_transaction(people, only_the_move, code, source, name, target):
    commune, year = HOME[code]
    dossier = DossierFactory(
        commune=getattr(people, commune), year=year, criteria_set=small_criteria_set(procedure=code)
    )
    put_in_state([dossier], source)
    before = counts_of(dossier)
    assert before.get(source) == 1
    chosen = name in workflow.choice_targets()  # the taker chooses where it leads (RETURN_VALUE)

    def take() -> None:
        services._transition(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=None,
            name=name,
            comment="Lý do",
            to_state=target if chosen else None,
        )

    with pytest.raises(Rollback), transaction.atomic():
        take()
        assert counts_of(dossier) == moved(before, source, target)  # inside the transaction
        raise Rollback
    assert counts_of(dossier) == before  # rolled back with it
    take()
    assert Dossier.objects.get(pk=dossier.pk).state == target
    assert counts_of(dossier) == moved(before, source, target)
    assert tallies.tallies_drift() == []


def test_a_new_dossier_is_counted_as_a_draft_and_its_counts_give_its_class(province_people):
    p = province_people
    dossier = DossierFactory(
        commune=p.new_my_ly, year=2026, criteria_set=small_criteria_set(procedure="province")
    )
    row = StateTally.objects.get(year=2026, district=None, province=p.province, state="draft", count=1)
    assert row.classification is None  # no counts yet
    steps.fill_counts(dossier, p.commune_police)
    row = StateTally.objects.get(year=2026, province=p.province, state="draft", count=1)
    assert row.classification == SituationCounts.objects.get(dossier=dossier).classification
    assert tallies.tallies_drift() == []


def test_a_commune_that_moves_or_ends_moves_its_dossiers_counts(people):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    assert counts_of(dossier) == {"draft": 1}
    commune = people.my_ly
    commune.is_border = not commune.is_border
    commune.save()
    assert (
        StateTally.objects.get(year=2024, district=commune.district, state="draft", count=1).is_border
        == commune.is_border
    )
    # A unit that ended before the end of the year is not counted in that year's figures.
    commune.valid_until = datetime.date(2024, 6, 30)
    commune.save()
    assert counts_of(dossier) == {}
    assert tallies.tallies_drift() == []
    dossier.delete()
    assert tallies.tallies_drift() == []


@pytest.mark.district_clock
def test_the_nightly_job_finds_no_drift_after_a_district_campaign(people):
    for year, state in ((2024, "recognised"), (2023, "returned"), (2022, "not_recognised")):
        steps.bring_to(DossierFactory(commune=people.my_ly, year=year), state, people)
    assert StateTally.objects.filter(year=2024, state="recognised", count=1).exists()
    assert reconcile_tallies.apply().get() == 0


def test_a_planted_drift_is_found_reported_and_repaired(people, caplog):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    row = StateTally.objects.get(key=Dossier.objects.get(pk=dossier.pk).tally_key)
    StateTally.objects.filter(pk=row.pk).update(count=5)  # a write that bypassed the services
    with caplog.at_level(logging.ERROR, logger="assessments.tasks"):
        assert reconcile_tallies.apply().get() == 1
    assert f"{row.key}: kept 5, counted 1" in caplog.text
    with pytest.raises(CommandError, match="1 tallies differ"):
        call_command("rebuild_tallies", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert "1 differed" in out.getvalue()
    assert tallies.tallies_drift() == []
    assert StateTally.objects.get(key=row.key).count == 1
