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
        services.session_schedule(
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
