"""Whatever an act would refuse and the form can know is refused on the form, before the
confirmation page: the field is named and marked, and what was typed stays."""

import datetime

import pytest
from django.urls import reverse

from assessments.selectors import submission_problems
from council.models import CouncilSession
from recognition import services
from recognition.models import RecognitionDecision
from tests.council.test_secretary import split_votes, votes_form
from tests.recognition.test_registers import appraised, approve

pytestmark = pytest.mark.django_db
CONFIRMATION = "Kiểm tra trước khi xác nhận"


def test_closing_a_session_without_its_end_time_is_refused_on_the_form(client, council):
    p = council
    client.force_login(p.council_secretary)
    url = reverse("council:session", args=[p.session.pk])
    data = {**votes_form(p, split_votes(p)), "conclusion": "Hội đồng thống nhất", "close": "1"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert CONFIRMATION not in page
    assert "Phiên họp phải kết thúc sau khi bắt đầu." in page
    assert 'class="field has-error"' in page and 'name="ends_at"' in page
    assert "Hội đồng thống nhất" in page  # what was typed stays
    assert 'value="for" selected' in page
    assert CouncilSession.objects.get(pk=p.session.pk).status == "scheduled"


def test_closing_with_a_vote_missing_names_and_marks_the_commune(client, council):
    p = council
    client.force_login(p.council_secretary)
    plan = split_votes(p)
    del plan[p.tam_quang.pk]["soyte"]
    response = client.post(
        reverse("council:session", args=[p.session.pk]),
        {**votes_form(p, plan), "ends_at": "10:30", "close": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and CONFIRMATION not in page
    assert f"còn thiếu phiếu biểu quyết của: {p.tam_quang.name}." in page
    assert page.count('<tr class="has-error">') == 1


@pytest.mark.district_clock
def test_a_clerks_date_before_the_signing_is_refused_on_the_form(
    clerk_mode, client, django_capture_on_commit_callbacks
):
    people = clerk_mode
    with django_capture_on_commit_callbacks(execute=False):
        decision = approve(people, appraised(people))  # approved on 02/12/2024
    client.force_login(people.clerk)
    response = client.post(
        reverse("recognition:issue", args=["decision", decision.pk]),
        {"number": "37", "issued_on": "2024-12-01", "dispatch_number": "112"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and CONFIRMATION not in page
    assert "Văn bản không được mang ngày trước ngày người có thẩm quyền ký duyệt (02/12/2024)." in page
    assert 'class="field has-error"' in page
    assert 'value="37"' in page and 'value="112"' in page
    assert RecognitionDecision.objects.get(pk=decision.pk).number is None


@pytest.mark.district_clock
def test_a_number_already_used_is_refused_on_the_form(clerk_mode, client, django_capture_on_commit_callbacks):
    people = clerk_mode
    with django_capture_on_commit_callbacks(execute=False):
        first = approve(people, appraised(people))
        second = approve(people, appraised(people, year=2023, inspected=datetime.date(2023, 10, 1)))
        services.record_issue(
            record=first,
            actor=people.clerk,
            number=37,
            issued_on=datetime.date(2024, 12, 4),
            dispatch_number=112,
        )
    client.force_login(people.clerk)
    response = client.post(
        reverse("recognition:issue", args=["decision", second.pk]),
        {"number": "37", "issued_on": "2024-12-05", "dispatch_number": "112"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and CONFIRMATION not in page
    assert page.count("Số 37 đã được dùng trong sổ văn bản năm 2024") == 1
    assert page.count("Số 112 đã được dùng trong sổ văn bản năm 2024") == 1
    assert page.count('class="field has-error"') == 2


def test_a_commune_report_with_empty_counts_names_and_marks_each(province_people, client):
    from tests.workflow import open_cycle

    p = province_people
    cycle = open_cycle(p, 2026, assigned=[p.new_my_ly], today=datetime.date(2026, 3, 2))
    dossier = cycle.dossiers.get()
    client.force_login(p.commune_police)
    url = reverse("assessments:self_assessment", args=[dossier.pk])
    client.post(
        url,
        {
            "counts-population": "5200",
            "counts-users_with_records": "0",
            "version": dossier.version,
            "save": "1",
        },
    )
    problems = [str(x) for x in submission_problems(dossier=dossier)]
    counts_problem = next(x for x in problems if x.startswith("Chưa nhập:"))
    assert "dân số đang cư trú" not in counts_problem  # entered
    assert "người cư trú vi phạm pháp luật về ma túy; " in counts_problem
    assert counts_problem.endswith("số 0 cũng là số liệu.")
    page = client.get(url).content.decode()
    assert page.count('class="not-entered"') >= 10
    assert 'name="counts-population" value="5200"' in page
    client.force_login(p.commune_chair)
    refused = client.get(reverse("assessments:dossier_action", args=[dossier.pk, "submit"]), follow=True)
    page = refused.content.decode()
    assert CONFIRMATION not in page and counts_problem in page
