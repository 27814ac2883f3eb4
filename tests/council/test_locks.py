"""Locks in one function (communes.locks.lock_rows): several rows are always locked in primary-key
order and only in their own table. session_schedule locked the agenda's dossiers in the model's order
(-year, commune code) and, joined with select_related, the communes' rows too."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Dossier
from communes.locks import lock_rows
from council import services as council_services
from recognition import services
from tests.recognition.conftest import SESSION_DAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def locking(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]


def test_rows_are_locked_in_primary_key_order_in_their_own_table_only(people):
    with CaptureQueriesContext(connection) as captured:
        lock_rows(Dossier.objects.filter(year__gte=2020).select_related("commune"))
    (sql,) = locking(captured.captured_queries)
    assert sql.endswith('FOR UPDATE OF "assessments_dossier"')
    assert re.search(r'ORDER BY "assessments_dossier"\."id" ASC', sql)


def test_scheduling_a_session_locks_the_agenda_s_dossiers_not_their_communes(council):
    p = council
    with CaptureQueriesContext(connection) as captured, pytest.raises(services.DossierActionError):
        # Refused (already on the open session's agenda), after the rows were locked.
        council_services.session_schedule(
            council=p.council,
            held_on=SESSION_DAY,
            starts_at=datetime.time(14, 0),
            place="Phòng họp",
            dossiers=p.dossiers,
            actor=p.provincial_police,
        )
    dossier_locks = [sql for sql in locking(captured.captured_queries) if '"assessments_dossier"' in sql]
    assert dossier_locks, locking(captured.captured_queries)
    for sql in dossier_locks:
        assert sql.endswith('FOR UPDATE OF "assessments_dossier"'), sql
        assert 'ORDER BY "assessments_dossier"."id" ASC' in sql


@pytest.mark.django_db(transaction=True)
def test_two_schedules_over_overlapping_agendas_end_without_a_deadlock(council, monkeypatch):
    """Two sessions called at once on agendas sharing a commune, listed in opposite orders: each locks
    its dossiers in primary-key order, so the second waits for the first and is then refused (the
    commune is on an open session's agenda); neither fails with a deadlock."""
    import threading
    import time

    from council.models import AgendaItem, CouncilSession

    assert connection.vendor == "postgresql"
    p = council
    AgendaItem.objects.filter(session=p.session).delete()
    CouncilSession.objects.filter(pk=p.session.pk).delete()
    first, shared, last = sorted(p.dossiers, key=lambda d: d.pk)
    real_lock_rows = council_services.lock_rows

    def lock_and_wait(queryset):
        locked = real_lock_rows(queryset)
        time.sleep(0.3)  # both transactions hold or want the rows at once
        return locked

    monkeypatch.setattr(council_services, "lock_rows", lock_and_wait)
    barrier = threading.Barrier(2)
    outcomes = []

    def schedule(agenda, hour):
        try:
            barrier.wait()
            council_services.session_schedule(
                council=p.council,
                held_on=SESSION_DAY,
                starts_at=datetime.time(hour, 0),
                place="Phòng họp",
                dossiers=agenda,
                actor=p.provincial_police,
            )
            outcomes.append("scheduled")
        except services.DossierActionError as error:
            outcomes.append(f"refused: {error.message}")
        except Exception as error:  # a deadlock (OperationalError) fails the test, named
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=schedule, args=([first, shared], 8)),
        threading.Thread(target=schedule, args=([last, shared], 14)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 2 and sorted(outcomes)[1] == "scheduled", outcomes
    assert sorted(outcomes)[0].startswith("refused: "), outcomes
    assert CouncilSession.objects.filter(council=p.council).count() == 1
