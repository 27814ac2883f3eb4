"""A campaign: the district police start several appraisals at once with a saved team, go from one
dossier to the next, and complete the ready ones together; each dossier keeps its own record."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Appraisal, Dossier, InspectionTeam
from communes.models import Commune
from tests import workflow
from tests.factories import DossierFactory, small_criteria_set

KY_SON = ("16816", "16819", "16822")


@pytest.fixture
def submitted(people):
    criteria_set = small_criteria_set()
    out = []
    for code in KY_SON:
        commune = Commune.objects.get(code=code, district__code="417")
        out.append(
            workflow.submit(
                DossierFactory(commune=commune, year=2024, criteria_set=criteria_set), people.admin
            )
        )
    return out


@pytest.fixture
def saved_team(people):
    return InspectionTeam.objects.create(
        district=people.ky_son,
        name="Tổ thẩm định Công an huyện 2024",
        members=[{**m} for m in workflow.team()],
        saved_by=people.police,
    )


@pytest.mark.district_clock
def test_police_start_several_appraisals_with_a_saved_team(client, people, submitted, saved_team):
    client.force_login(people.police)
    inbox = client.get("/").content.decode()
    assert "Bắt đầu thẩm định nhiều hồ sơ (3)" in inbox
    url = reverse("assessments:appraisals_start")
    page = client.get(url).content.decode()
    assert all(d.commune.name in page for d in submitted) and saved_team.name in page
    data = {
        "dossiers": [d.pk for d in submitted],
        "team": saved_team.pk,
        "inspection_date": "2024-10-01",
        "place": "Hội trường UBND xã",
    }
    confirm = client.post(url, data, follow=True).content.decode()
    assert "Kiểm tra trước khi xác nhận" in confirm and saved_team.name in confirm
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in submitted]).values_list("state", flat=True)) == {
        "submitted"
    }
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:appraisal", args=[submitted[0].pk]
    )
    for dossier in submitted:
        dossier.refresh_from_db()
        appraisal = Appraisal.objects.get(dossier=dossier)
        assert dossier.state == "under_appraisal" and appraisal.inspection_date == datetime.date(2024, 10, 1)
        assert [m.name for m in appraisal.members.all()] == [m["name"] for m in workflow.team()]
        assert dossier.events.last().transition == "start_appraisal"


@pytest.mark.district_clock
def test_a_team_is_saved_from_the_form_and_fills_the_next_one(client, people, submitted):
    client.force_login(people.police)
    for d in submitted:
        client.post(
            reverse("assessments:dossier_action", args=[d.pk, "start_appraisal"]),
            {"version": Dossier.objects.get(pk=d.pk).version, "confirmed": "1"},
        )
    first, second = (Dossier.objects.get(pk=d.pk) for d in submitted[:2])
    data = {**workflow.appraisal_form(first), "save_team_as": "Tổ A", "next": "1"}
    response = client.post(reverse("assessments:appraisal", args=[first.pk]), data)
    # Saved, and straight on to the next dossier under appraisal.
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:appraisal", args=[second.pk]
    )
    team = InspectionTeam.objects.get(name="Tổ A")
    assert team.district == people.ky_son and [m["name"] for m in team.members] == [
        m["name"] for m in workflow.team()
    ]
    filled = client.get(
        reverse("assessments:appraisal", args=[second.pk]) + f"?team={team.pk}"
    ).content.decode()
    assert 'value="Vi Văn Công"' in filled and 'value="Lô Văn Thư"' in filled
    # Another district's police do not see the team.
    client.force_login(people.other_police)
    assert InspectionTeam.objects.filter(district=people.thanh_chuong).count() == 0


@pytest.mark.district_clock
def test_the_ready_appraisals_are_completed_together(client, people, submitted):
    for d in submitted[:2]:
        workflow.appraise(Dossier.objects.get(pk=d.pk), people.police, complete=False)
    services_start = Dossier.objects.get(pk=submitted[2].pk)
    from assessments import services

    services.dossier_start_appraisal(dossier=services_start, actor=people.police)  # nothing recorded yet
    client.force_login(people.police)
    url = reverse("assessments:appraisals_complete")
    page = client.get(url).content.decode()
    assert page.count('name="dossiers"') == 2 and "Hãy nhập ngày kiểm tra." in page
    ready = [d.pk for d in submitted[:2]]
    confirm = client.post(url, {"dossiers": ready}, follow=True).content.decode()
    assert "Hoàn thành 2 hồ sơ thẩm định" in confirm
    assert client.post(url, {"dossiers": ready, "confirmed": "1"}).status_code == 302
    states = dict(Dossier.objects.filter(pk__in=[d.pk for d in submitted]).values_list("pk", "state"))
    assert [states[d.pk] for d in submitted] == ["appraised", "appraised", "under_appraisal"]
    numbers = sorted(Appraisal.objects.filter(dossier_id__in=ready).values_list("minutes_number", flat=True))
    assert numbers == [1, 2]  # each numbered in the register
