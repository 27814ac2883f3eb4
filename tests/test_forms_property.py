"""Arbitrary text, numbers, dates and files fed to every form: never a 500, always a page with a
message (or the redirect of a successful action)."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as officials (and attackers) may type it: any Unicode except NUL and surrogates, which no
# browser can send in a form.
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
number_like = st.one_of(
    text,
    st.integers(-(10**12), 10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(lambda f: str(f).replace(".", ",")),
)
date_like = st.one_of(text, st.dates().map(str), st.dates().map(lambda d: d.strftime("%d/%m/%Y")))
file_content = st.binary(max_size=4096)


def assert_handled(response):
    assert response.status_code in (200, 302, 400, 403, 404, 409), response.status_code
    if response.status_code in (200, 400, 409):
        content = response.content.decode()
        assert "<form" in content or 'class="message' in content


@FUZZ
@given(
    values=st.lists(number_like, min_size=3, max_size=3),
    notes=st.lists(text, min_size=3, max_size=3),
    name=text,
    content=file_content,
    submit=st.booleans(),
)
def test_self_assessment_form(client, people, dossier, values, notes, name, content, submit):
    client.force_login(people.officer)
    dossier.refresh_from_db()
    data = {"version": str(dossier.version)}
    for criterion, value, note in zip(dossier.applicable_criteria(), values, notes, strict=True):
        data[f"value_{criterion.pk}"] = value
        data[f"explanation_{criterion.pk}"] = note
    # A browser sends a file's name without its folders (a name of "/" or ".." cannot be uploaded at all).
    base = os.path.basename(name)
    upload = SimpleUploadedFile(base if base not in {"", ".", ".."} else "x", content)
    data[f"evidence_{dossier.applicable_criteria()[0].pk}"] = upload
    if submit:
        data["submit"] = "1"
    assert_handled(client.post(reverse("assessments:self_assessment", args=[dossier.pk]), data))


@pytest.mark.district_clock
@FUZZ
@given(
    date=date_like,
    name=text,
    agency=text,
    findings=st.lists(text, min_size=3, max_size=3),
    recommendation=text,
    conclusion=text,
    version=number_like,
    complete=st.booleans(),
)
def test_appraisal_form(
    client, people, date, name, agency, findings, recommendation, conclusion, version, complete
):
    dossier = _dossier_in("under_appraisal", people)
    client.force_login(people.police)
    data = {
        "version": version,
        "inspection_date": date,
        "member_0_name": name,
        "member_0_agency": agency,
        "recommendation": recommendation,
        "conclusion": conclusion,
    }
    for criterion, finding in zip(dossier.applicable_criteria(), findings, strict=True):
        data[f"finding_{criterion.pk}"] = finding
        data[f"note_{criterion.pk}"] = finding
    if complete:
        data["complete"] = "1"
    assert_handled(client.post(reverse("assessments:appraisal", args=[dossier.pk]), data))


def _dossier_in(state: str, people):
    """One dossier in `state` for the example (an earlier example may have moved it on)."""
    from assessments.models import Dossier

    existing = Dossier.objects.filter(commune=people.my_ly, state=state).first()
    if existing:
        return existing
    year = 1900 + Dossier.objects.count()
    return workflow.bring_to(DossierFactory(commune=people.my_ly, year=year), state, people)


@pytest.mark.district_clock
@FUZZ
@given(
    outcome=text | st.sampled_from(["recognised", "not_recognised", "send_back"]),
    date=date_like,
    title=text,
    reasons=text,
    version=number_like,
)
def test_decision_form(client, people, outcome, date, title, reasons, version):
    dossier = _dossier_in("appraised", people)
    client.force_login(people.chair)
    data = {
        "version": version,
        "outcome": outcome,
        "decided_on": date,
        "signer_title": title,
        "reasons": reasons,
        "confirmed": "1",
    }
    assert_handled(client.post(reverse("recognition:decision", args=[dossier.pk]), data))


@pytest.mark.district_clock
@FUZZ
@given(incident=date_like, description=text, reason=text, decided=date_like, title=text)
def test_revocation_form(client, people, incident, description, reason, decided, title):
    from assessments.models import Dossier
    from recognition.services import decision_record

    dossier = Dossier.objects.filter(commune=people.my_ly, state="recognised").first()
    if dossier is None:
        dossier = _dossier_in("appraised", people)
        decision_record(
            decided_on=datetime.date(2024, 12, 2), dossier=dossier, actor=people.chair, outcome="recognised"
        )
    client.force_login(people.chair)
    data = {
        "incident_date": incident,
        "incident_description": description,
        "reason": reason,
        "decided_on": decided,
        "signer_title": title,
        "confirmed": "1",
    }
    assert_handled(client.post(reverse("recognition:revoke", args=[dossier.pk]), data))


@FUZZ
@given(
    action=st.sampled_from(["submit", "start_appraisal", "return_to_commune", "complete_appraisal"]),
    version=number_like,
    reason=text,
)
def test_dossier_actions(client, people, dossier, action, version, reason):
    for who in ("officer", "police"):
        client.force_login(getattr(people, who))
        url = reverse("assessments:dossier_action", args=[dossier.pk, action])
        assert_handled(client.post(url, {"version": version, "reason": reason, "confirmed": "1"}))


@FUZZ
@given(commune=text, year=number_like)
def test_open_dossier_form(client, people, commune, year):
    client.force_login(people.officer)
    assert_handled(client.post(reverse("assessments:dossier_open"), {"commune": commune, "year": year}))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["year", "district", "state", "border", "q", "page", "sort"]), text
    )
)
def test_inbox_and_dashboard_filters(client, people, params):
    client.force_login(people.viewer)
    for url in ("/", "/dashboard/", "/dashboard/export/communes.csv", "/units/"):
        response = client.get(url, params)
        assert response.status_code == 200


@FUZZ
@given(username=text, password=text)
def test_sign_in_form(client, people, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code in (200, 302, 429)


@FUZZ
@given(old=text, new1=text, new2=text)
def test_password_change_form(client, people, old, new1, new2):
    client.force_login(people.viewer)
    response = client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    if response.status_code == 429:  # wrong old passwords count as failed sign-ins: the lockout page
        assert "tạm khóa" in response.content.decode()
        return
    assert_handled(response)


@FUZZ
@given(year=number_like)
def test_summary_form(client, people, year):
    client.force_login(people.provincial_police)
    assert_handled(client.post(reverse("recognition:summaries"), {"year": year}))


LIST_PAGES = [
    "/",
    "/units/",
    "/dashboard/",
    "/notifications/",
    "/dashboard/export/communes.csv",
    "/documents/summaries/",
]
PARAMETERS = ["q", "district", "border", "year", "state", "page", "sort", "x"]
any_value = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),  # NUL included
    st.integers().map(str),
    st.sampled_from(["\x00", "%00", "417\x00", "-1", "1e9", "9" * 40, "..", "' OR 1=1 --"]),
)
raw_bytes = st.binary(max_size=80).map(lambda b: "".join(f"%{c:02X}" for c in b))


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(PARAMETERS), any_value, max_size=4),
    raw=raw_bytes,
    page=st.sampled_from(LIST_PAGES),
)
def test_every_list_page_takes_any_query_string(client, people, params, raw, page):
    from urllib.parse import urlencode

    client.force_login(people.provincial_police)
    for query in (urlencode(params), f"q={raw}&district={raw}", raw):
        response = client.get(page, QUERY_STRING=query)
        assert response.status_code in (200, 400), (page, query, response.status_code)


@pytest.mark.parametrize("path", ["/units/?q=%00", "/units/?district=%00", "/units/%00/", "/?q=%00"])
def test_a_nul_byte_is_a_bad_request(client, people, path):
    client.force_login(people.viewer)
    response = client.get(path)
    assert response.status_code == 400
