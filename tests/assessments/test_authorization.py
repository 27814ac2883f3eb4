"""Authorization matrix: six roles in scope, officials of another commune/district out of scope, and
anonymous, against every page and action of the workflow (including evidence download)."""

import pytest
from django.urls import reverse

from assessments.models import Dossier
from tests import workflow

pytestmark = pytest.mark.django_db

IN_SCOPE = ["officer", "police", "chair", "provincial_police", "viewer", "admin"]
OUT_OF_SCOPE = ["other_officer", "other_police", "other_chair"]
SEE_ALL = {"officer", "police", "chair", "provincial_police", "viewer", "admin"}


def _findings(dossier):
    return workflow.appraisal_form(dossier)


def _answers(dossier):
    data = {"version": dossier.version}
    for c in dossier.applicable_criteria():
        data[f"value_{c.pk}"] = "1" if c.measure == "boolean" else ("12" if c.comparator == "gte" else "0")
    return data


# name: (state the dossier is in, method, url, POST data, roles allowed)
ENDPOINTS = {
    "dossier page": (
        "draft",
        "get",
        lambda d, e: reverse("assessments:dossier_detail", args=[d.pk]),
        None,
        SEE_ALL,
    ),
    "self-assessment page": (
        "draft",
        "get",
        lambda d, e: reverse("assessments:self_assessment", args=[d.pk]),
        None,
        {"officer", "admin"},
    ),
    "save self-assessment": (
        "draft",
        "post",
        lambda d, e: reverse("assessments:self_assessment", args=[d.pk]),
        _answers,
        {"officer", "admin"},
    ),
    "evidence download": (
        "draft",
        "get",
        lambda d, e: reverse("assessments:evidence_download", args=[d.pk, e.pk]),
        None,
        SEE_ALL,
    ),
    "evidence delete": (
        "draft",
        "post",
        lambda d, e: reverse("assessments:evidence_delete", args=[d.pk, e.pk]),
        lambda d: {},
        {"officer", "admin"},
    ),
    "submit": (
        "draft",
        "post",
        lambda d, e: reverse("assessments:dossier_action", args=[d.pk, "submit"]),
        lambda d: {"version": d.version, "confirmed": "1"},
        {"officer", "admin"},
    ),
    "start appraisal": (
        "submitted",
        "post",
        lambda d, e: reverse("assessments:dossier_action", args=[d.pk, "start_appraisal"]),
        lambda d: {"version": d.version, "confirmed": "1"},
        {"police", "admin"},
    ),
    "return to commune": (
        "submitted",
        "post",
        lambda d, e: reverse("assessments:dossier_action", args=[d.pk, "return_to_commune"]),
        lambda d: {"version": d.version, "reason": "Thiếu", "confirmed": "1"},
        {"police", "admin"},
    ),
    "appraisal page": (
        "under_appraisal",
        "get",
        lambda d, e: reverse("assessments:appraisal", args=[d.pk]),
        None,
        {"police", "admin"},
    ),
    "save appraisal": (
        "under_appraisal",
        "post",
        lambda d, e: reverse("assessments:appraisal", args=[d.pk]),
        _findings,
        {"police", "admin"},
    ),
    "complete appraisal": (
        "under_appraisal",
        "post",
        lambda d, e: reverse("assessments:appraisal", args=[d.pk]),
        lambda d: {**_findings(d), "complete": "1"},
        {"police", "admin"},
    ),
    "decision page": (
        "appraised",
        "get",
        lambda d, e: reverse("recognition:decision", args=[d.pk]),
        None,
        {"chair", "admin"},
    ),
    "recognise": (
        "appraised",
        "post",
        lambda d, e: reverse("recognition:decision", args=[d.pk]),
        lambda d: {
            "version": d.version,
            "outcome": "recognised",
            "decided_on": "2024-10-05",
            "confirmed": "1",
        },
        {"chair", "admin"},
    ),
    "refuse": (
        "appraised",
        "post",
        lambda d, e: reverse("recognition:decision", args=[d.pk]),
        lambda d: {
            "version": d.version,
            "outcome": "not_recognised",
            "decided_on": "2024-10-05",
            "reasons": "SX-03",
            "confirmed": "1",
        },
        {"chair", "admin"},
    ),
}


def _prepare(dossier, state, people):
    if state == "draft":
        dossier = workflow.fill(dossier, people.officer)
    else:
        dossier = workflow.bring_to(dossier, state, people)
    return Dossier.objects.get(pk=dossier.pk), dossier.evidence.first()


@pytest.mark.district_clock
@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE + ["anonymous"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_authorization_matrix(client, people, dossier, endpoint, who):
    state, method, url_of, data_of, allowed = ENDPOINTS[endpoint]
    dossier, evidence = _prepare(dossier, state, people)
    before = (dossier.state, dossier.version, dossier.evidence.count())
    url = url_of(dossier, evidence)
    if who != "anonymous":
        client.force_login(getattr(people, who))

    response = client.get(url) if method == "get" else client.post(url, data_of(dossier))

    after = Dossier.objects.get(pk=dossier.pk)
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert (after.state, after.version, after.evidence.count()) == before
    elif who in allowed:
        assert response.status_code == (200 if method == "get" else 302), response.content.decode()[:3000]
        if method == "post":
            assert (after.state, after.version, after.evidence.count()) != before
    else:
        expected = {404} if who in OUT_OF_SCOPE else {403}
        assert response.status_code in expected
        assert (after.state, after.version, after.evidence.count()) == before


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_everyone_with_a_post_has_an_inbox_and_notifications(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/").status_code == 200
    assert client.get(reverse("notifications")).status_code == 200


def test_anonymous_is_sent_to_sign_in_from_the_inbox_and_notifications(client, people):
    for url in ("/", reverse("notifications"), reverse("assessments:dossier_open")):
        response = client.get(url) if url != reverse("assessments:dossier_open") else client.post(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("who", "status"), [("officer", 302), ("other_officer", 403), ("police", 403), ("viewer", 403)]
)
def test_opening_a_dossier_is_for_the_communes_own_officer(client, people, who, status):
    from django.core.management import call_command

    call_command("loaddata", "criteria_nghean_2022", verbosity=0)
    client.force_login(getattr(people, who))
    response = client.post(reverse("assessments:dossier_open"), {"commune": people.my_ly.pk, "year": 2023})
    assert response.status_code == status
    assert Dossier.objects.filter(year=2023).exists() == (status == 302)
