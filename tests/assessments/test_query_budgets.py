"""The inbox and the dossier page stay within 15 queries, cached or computed, whatever the number of
rows; the self-assessment and appraisal forms within 25."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Dossier
from tests import workflow
from tests.factories import CriterionFactory, DossierFactory, small_criteria_set

pytestmark = pytest.mark.django_db

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache", "KEY_PREFIX": "test"}}


def count_queries(client, url):
    client.get(url)  # warm Django's content-type cache, as in a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def make_dossiers(people, n, first_year):
    communes = list(people.ky_son.communes.all())
    criteria_set = small_criteria_set()
    for i in range(n):
        DossierFactory(
            commune=communes[i % len(communes)],
            year=first_year + i // len(communes),
            criteria_set=criteria_set,
        )


@pytest.mark.parametrize("who", ["officer", "police", "chair", "viewer", "admin"])
def test_inbox_query_count_does_not_grow_with_the_number_of_dossiers(
    client, people, who, django_assert_max_num_queries
):
    client.force_login(getattr(people, who))
    make_dossiers(people, 3, first_year=1990)
    small = count_queries(client, "/")
    make_dossiers(people, 60, first_year=2000)
    large = count_queries(client, "/")
    assert small == large
    with django_assert_max_num_queries(15):
        client.get("/", {"page": 2, "q": "my ly", "border": "1"})  # a search: always computed
    with django_assert_max_num_queries(15), override_settings(CACHES=NO_CACHE):
        client.get("/", {"district": "417", "state": "draft"})


@pytest.mark.district_clock
def test_dossier_page_query_count_does_not_grow_with_criteria_files_and_history(
    client, people, django_assert_max_num_queries
):
    small = DossierFactory(commune=people.my_ly, year=2023)
    small = workflow.bring_to(small, Dossier.State.RECOGNISED, people)

    big_set = small_criteria_set()
    for i in range(20):
        CriterionFactory(criteria_set=big_set, code=f"X{i:02d}", evidence_required=True)
    big = DossierFactory(commune=people.my_ly, year=2024, criteria_set=big_set)
    big = workflow.submit(big, people.officer)
    from assessments import services

    big = services.dossier_return_to_commune(dossier=big, actor=people.police, reason="Bổ sung")
    big = workflow.submit(big, people.officer)
    big = workflow.appraise(big, people.police)
    from recognition.services import decision_record

    decision_record(
        decided_on=datetime.date(2024, 12, 2), dossier=big, actor=people.chair, outcome="recognised"
    )

    client.force_login(people.viewer)
    small_count = count_queries(client, reverse("assessments:dossier_detail", args=[small.pk]))
    big_count = count_queries(client, reverse("assessments:dossier_detail", args=[big.pk]))
    assert big.evidence.count() > 20 and big.events.count() >= 5
    assert small_count == big_count
    for who in ("officer", "police", "chair", "viewer"):
        client.force_login(getattr(people, who))
        with django_assert_max_num_queries(15):
            client.get(reverse("assessments:dossier_detail", args=[big.pk]))
        with django_assert_max_num_queries(15), override_settings(CACHES=NO_CACHE):
            client.get(reverse("assessments:dossier_detail", args=[big.pk]))


@pytest.mark.district_clock
def test_self_assessment_and_appraisal_pages_stay_within_budget(
    client, people, django_assert_max_num_queries
):
    big_set = small_criteria_set()
    for i in range(20):
        CriterionFactory(criteria_set=big_set, code=f"X{i:02d}")
    dossier = DossierFactory(commune=people.my_ly, year=2024, criteria_set=big_set)
    dossier = workflow.fill(dossier, people.officer)
    client.force_login(people.officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assessments:self_assessment", args=[dossier.pk])).status_code == 200
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police, complete=False)
    client.force_login(people.police)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assessments:appraisal", args=[dossier.pk])).status_code == 200


@pytest.mark.district_clock
def test_the_campaign_pages_do_not_grow_with_the_dossiers(client, people, django_assert_max_num_queries):
    """Start several, complete several, decide several: the same number of queries for 2 dossiers as for
    8 (what each still misses, who is told: read for all of them at once)."""
    from communes.models import Commune
    from tests.factories import small_criteria_set

    criteria_set = small_criteria_set()
    communes = list(Commune.objects.filter(district__code="417").order_by("code"))[:8]

    def add(batch):  # half of them appraised (for the chair), half still under appraisal (the police)
        for i, commune in enumerate(batch):
            dossier = workflow.submit(
                DossierFactory(commune=commune, year=2024, criteria_set=criteria_set), people.admin
            )
            workflow.appraise(dossier, people.police, complete=i % 2 == 0)

    pages = {
        "/dossiers/appraisals/complete/": people.police,
        "/dossiers/appraisals/start/": people.police,
        "/decisions/": people.chair,
    }

    def counts():
        out = {}
        for url, user in pages.items():
            client.force_login(user)
            client.get(url)
            out[url] = count_queries(client, url)
        return out

    add(communes[:2])
    two = counts()
    add(communes[2:])
    assert counts() == two
    for url, user in pages.items():
        client.force_login(user)
        with django_assert_max_num_queries(15):
            client.get(url)
