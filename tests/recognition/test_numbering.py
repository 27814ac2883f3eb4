"""Decision numbers run per issuing body and calendar year, without gaps or repeats."""

import datetime
import threading

import pytest
from django.db import connection

from assessments.models import Dossier
from recognition import services
from recognition.models import RecognitionDecision
from tests.factories import CommuneFactory, DossierFactory, put_in_state, small_criteria_set


def appraised_dossiers(district, n, year=2024):
    criteria_set = small_criteria_set()
    dossiers = [
        DossierFactory(commune=CommuneFactory(district=district), year=year, criteria_set=criteria_set)
        for _ in range(n)
    ]
    # Test set-up only: the workflow to "appraised" is covered elsewhere; here we test numbering.
    put_in_state(dossiers, Dossier.State.APPRAISED)
    return [Dossier.objects.get(pk=d.pk) for d in dossiers]


@pytest.mark.district_clock
@pytest.mark.django_db
def test_numbers_run_per_district_and_restart_each_calendar_year(people, django_capture_on_commit_callbacks):
    first, second, third = appraised_dossiers(people.ky_son, 3)
    other = appraised_dossiers(people.thanh_chuong, 1)[0]
    with django_capture_on_commit_callbacks(execute=False):
        a = services.decision_record(
            dossier=first, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 12, 30)
        )
        b = services.decision_record(
            dossier=second,
            actor=people.chair,
            outcome="not_recognised",
            reasons="SX-03",
            decided_on=datetime.date(2024, 12, 31),
        )
        c = services.decision_record(
            dossier=other,
            actor=people.other_chair,
            outcome="recognised",
            decided_on=datetime.date(2024, 12, 31),
        )
        d = services.decision_record(
            dossier=third, actor=people.chair, outcome="recognised", decided_on=datetime.date(2025, 1, 2)
        )
    assert [a.number_display, b.number_display] == ["01/QĐ-UBND", "02/QĐ-UBND"]
    assert c.number_display == "01/QĐ-UBND" and c.issuer_code == "428"
    assert d.number_display == "01/QĐ-UBND" and d.year == 2025


@pytest.mark.district_clock
@pytest.mark.django_db
def test_a_refused_decision_gives_its_number_back(people, django_capture_on_commit_callbacks):
    first, second = appraised_dossiers(people.ky_son, 2)
    with pytest.raises(services.DossierActionError):
        services.decision_record(
            decided_on=datetime.date(2024, 12, 2),
            dossier=first,
            actor=people.chair,
            outcome="not_recognised",
            reasons="",
        )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=second, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 12, 2)
        )
    assert decision.number == 1


@pytest.mark.district_clock
@pytest.mark.django_db
def test_the_recognition_stands_to_the_end_of_the_year_after_the_assessed_one(
    people, django_capture_on_commit_callbacks
):
    (dossier,) = appraised_dossiers(people.ky_son, 1, year=2023)
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2023, 10, 1)
        )
    # It stands through the year after: a decision signed after the evaluated year ends still holds.
    assert decision.valid_until == datetime.date(2024, 12, 31)
    # The validity is the procedure's data: a set that asks for none ends it with the assessed year.
    criteria_set = dossier.criteria_set
    criteria_set.decision_rules = {**criteria_set.decision_rules, "recognition_valid_extra_years": 0}
    assert services.default_valid_until(year=2023, criteria_set=criteria_set) == datetime.date(2023, 12, 31)


@pytest.mark.district_clock
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_decisions_at_once_in_one_district_get_numbers_1_to_50_each_once(people, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(services.documents, "documents_enqueue", lambda document_ids: 0)  # numbering only
    dossiers = appraised_dossiers(people.ky_son, 50)
    barrier = threading.Barrier(50)
    errors = []

    def decide(dossier):
        try:
            barrier.wait()
            services.decision_record(
                dossier=dossier,
                actor=people.chair,
                outcome="recognised",
                decided_on=datetime.date(2024, 10, 5),
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in dossiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    numbers = sorted(
        RecognitionDecision.objects.filter(issuer_code="417", year=2024).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 51))
