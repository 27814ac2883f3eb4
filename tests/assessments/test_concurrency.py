"""Two officials acting on the same dossier at once, on PostgreSQL with two real connections."""

import threading
import time

import pytest
from django.db import connection

from assessments import services
from assessments.models import Dossier, DossierEvent
from communes.models import Role
from tests import workflow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(*actions):
    """Run each action in its own thread (own database connection), started together."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def runner(i, action):
        try:
            barrier.wait()
            results[i] = ("ok", action())
        except Exception as exc:  # the loser's exception is the result under test
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the row lock a little longer, so the two transactions really overlap."""
    original = services._lock

    def lock_and_wait(dossier_id):
        locked = original(dossier_id)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(services, "_lock", lock_and_wait)


@pytest.mark.district_clock
def test_two_police_officers_act_at_once_exactly_one_transition_happens(people, dossier, official, slow_lock):
    assert connection.vendor == "postgresql"
    second_police = official(Role.DISTRICT_POLICE, people.ky_son, username="police2")
    submitted = workflow.submit(dossier, people.officer)
    events_before = DossierEvent.objects.count()

    results = run_at_once(
        lambda: services.dossier_start_appraisal(
            dossier=submitted, actor=people.police, expected_version=submitted.version
        ),
        lambda: services.dossier_return_to_commune(
            dossier=submitted,
            actor=second_police,
            reason="Thiếu minh chứng",
            expected_version=submitted.version,
        ),
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, services.DossierConflict)
    assert "Người khác đã thay đổi hồ sơ" in loser.message or "Không thể thực hiện" in loser.message
    assert DossierEvent.objects.count() == events_before + 1
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.state in (Dossier.State.UNDER_APPRAISAL, Dossier.State.RETURNED)
    assert final.events.last().to_state == final.state


@pytest.mark.district_clock
def test_the_same_transition_twice_at_once_happens_once(people, dossier, official, slow_lock):
    second_police = official(Role.DISTRICT_POLICE, people.ky_son, username="police2")
    submitted = workflow.submit(dossier, people.officer)

    results = run_at_once(
        lambda: services.dossier_start_appraisal(dossier=submitted, actor=people.police),
        lambda: services.dossier_start_appraisal(dossier=submitted, actor=second_police),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert DossierEvent.objects.filter(dossier=dossier, transition="start_appraisal").count() == 1


@pytest.mark.district_clock
def test_two_commune_officers_saving_the_same_draft_do_not_overwrite_each_other(
    people, dossier, official, slow_lock
):
    from decimal import Decimal

    colleague = official(Role.COMMUNE_OFFICER, people.my_ly, username="officer2")
    criterion = dossier.applicable_criteria()[0]
    version = dossier.version

    results = run_at_once(
        lambda: services.self_assessment_save(
            dossier=dossier,
            actor=people.officer,
            answers={criterion.pk: (Decimal(0), "Bản của A")},
            expected_version=version,
        ),
        lambda: services.self_assessment_save(
            dossier=dossier,
            actor=colleague,
            answers={criterion.pk: (Decimal(1), "Bản của B")},
            expected_version=version,
        ),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    winner = 0 if results[0][0] == "ok" else 1
    assert dossier.answers.get().explanation == ["Bản của A", "Bản của B"][winner]
