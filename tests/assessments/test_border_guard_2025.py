"""The Border Guard in the procedure in force: the set of Decision 28 did not carry the rule, so a
border commune was appraised without the Border Guard though the form said it was required; and a 2026
team could still be chosen from "Công an huyện", which no longer exists after 1 July 2025."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import CriteriaSet, Dossier
from tests import workflow

pytestmark = pytest.mark.django_db

REFUSAL = "Xã biên giới: tổ thẩm định phải có thành viên Bộ đội Biên phòng."


@pytest.fixture
def under_appraisal(province_people):
    """Mỹ Lý (a border unit) sent its 2026 report; the provincial police started the appraisal."""
    from assessments import services

    p = province_people
    cycle = workflow.open_cycle(p, 2026, assigned=[p.new_my_ly])
    dossier = workflow.fill_counts(cycle.dossiers.get(commune=p.new_my_ly), p.commune_police)
    dossier = services.dossier_submit(dossier=dossier, actor=p.commune_chair)
    return services.dossier_start_appraisal(dossier=dossier, actor=p.provincial_police)


def agencies_offered(page: str) -> list[str]:
    select = re.search(r'<select name="member_0_agency".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select)


def test_a_border_commune_appraised_without_the_border_guard_is_refused_on_the_form(
    client, province_people, under_appraisal
):
    p, dossier = province_people, under_appraisal
    assert dossier.commune.is_border and dossier.criteria_set.appraisal_rule("border_guard_on_border")
    client.force_login(p.provincial_police)
    url = reverse("assessments:appraisal", args=[dossier.pk])
    data = workflow.appraisal_form(dossier, "2026-10-05", police_agency="provincial_police")
    data["counts_checked_on"] = "2026-10-05"
    without = {k: v for k, v in data.items() if not k.startswith("member_4_")}  # the Border Guard's row
    response = client.post(url, {**without, "complete": "1"})
    page = response.content.decode()
    assert response.status_code in (400, 409)
    assert REFUSAL in page and 'value="Hội trường Ủy ban nhân dân xã"' in page  # nothing typed lost
    assert Dossier.objects.get(pk=dossier.pk).state == "under_appraisal"

    data["version"] = Dossier.objects.get(pk=dossier.pk).version
    response = client.post(url, {**data, "complete": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:dossier_action", args=[dossier.pk, "complete_appraisal"]
    )


def test_the_agencies_offered_follow_the_procedure(client, province_people, under_appraisal, people, dossier):
    p = province_people
    client.force_login(p.provincial_police)
    offered = agencies_offered(
        client.get(reverse("assessments:appraisal", args=[under_appraisal.pk])).content.decode()
    )
    assert "Công an huyện" not in offered
    assert {"Công an tỉnh", "Bộ đội Biên phòng"} <= set(offered)
    # A refused agency typed into the form anyway is refused.
    data = workflow.appraisal_form(under_appraisal, "2026-10-05", police_agency="district_police")
    response = client.post(reverse("assessments:appraisal", args=[under_appraisal.pk]), data)
    assert response.status_code == 400

    # The district procedure (before 1 July 2025, while its bodies existed) offers the district police.
    import time_machine

    from assessments import services
    from tests.world import DISTRICT_CLOCK

    with time_machine.travel(DISTRICT_CLOCK, tick=True):
        district = workflow.submit(dossier, people.officer)
        district = services.dossier_start_appraisal(dossier=district, actor=people.police)
        client.force_login(people.police)
        offered = agencies_offered(
            client.get(reverse("assessments:appraisal", args=[district.pk])).content.decode()
        )
    assert "Công an huyện" in offered


def test_a_member_already_recorded_keeps_their_agency(client, province_people, under_appraisal):
    from assessments import services

    p, dossier = province_people, under_appraisal
    services.appraisal_save(
        dossier=dossier,
        actor=p.provincial_police,
        members=workflow.team("district_police"),  # recorded before the agencies followed the procedure
        **workflow.meeting(datetime.date(2026, 10, 5)),
        findings={},
        recommendation="",
        conclusion="",
    )
    client.force_login(p.provincial_police)
    page = client.get(reverse("assessments:appraisal", args=[dossier.pk])).content.decode()
    assert "Công an huyện" in agencies_offered(page)
    assert re.search(r'<option value="district_police" selected>', page)
    assert '<select name="member_1_agency"' in page
    assert "Công an huyện" not in re.search(r'<select name="member_1_agency".*?</select>', page, re.S).group(
        0
    )


def test_the_set_as_loaded_carries_the_border_guard_rule_and_its_agencies(only_border_units):
    """The data step of assessments/0012 (for sets loaded before it) went with the migrations' reset:
    a fresh database loads the set from its fixture, which carries the rules."""
    from django.core.management import call_command

    call_command("loaddata", "criteria_qd28_2025", verbosity=0)
    qd28 = CriteriaSet.objects.get(code="qd28-2025")
    assert qd28.appraisal_rules["border_guard_on_border"] is True
    assert qd28.appraisal_rules["counts_cross_check"] is True
    assert "district_police" not in qd28.appraisal_rules["agencies"]
