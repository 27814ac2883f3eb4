"""The probe's URL findings: a year outside the supported range (the earliest criteria set's first year
to next year) is not a page on any path that takes a year; a malformed id in a form is 404, never 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

YEAR_PATHS = [
    "/dashboard/cycle/{}/",
    "/dashboard/national/{}/",
    "/council/{}/",
    "/council/{}/decision/",
    "/council/{}/report/",
]


@pytest.mark.parametrize("path", YEAR_PATHS)
@pytest.mark.parametrize("year", ["99999", "99999999999999999999", "1999", "0"])
def test_a_year_out_of_range_is_404(client, province_people, path, year):
    client.force_login(province_people.provincial_police)
    assert client.get(path.format(year)).status_code == 404


@pytest.mark.parametrize("path", YEAR_PATHS)
def test_the_years_in_range_still_answer(client, province_people, path):
    client.force_login(province_people.provincial_police)
    assert client.get(path.format(2026)).status_code == 200


def test_a_malformed_document_id_in_the_report_form_is_404(client, province_people):
    client.force_login(province_people.provincial_police)
    url = reverse("recognition:ministry_report", args=[2026])
    for bad in ("abc", "1e5", "99999999999999999999999"):
        response = client.post(url, {"action": "sent", "document": bad, "sent_on": "2026-11-26"})
        assert response.status_code == 404, bad
