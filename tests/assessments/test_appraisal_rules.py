"""The appraisal's requirements are the criteria set's: the district guidance of 2022 asks for a team of
two or more, a conclusion, the Border Guard on the border, and findings chosen by the police."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import translation

from assessments import selectors, services
from assessments.forms import AppraisalForm
from assessments.models import Dossier
from tests.workflow import appraise, meeting, submit, team

DISTRICT_RULES = next(
    o["fields"]["appraisal_rules"]
    for o in json.loads((Path(__file__).parents[2] / "fixtures" / "criteria_nghean_2022.json").read_text())
    if o["model"] == "assessments.criteriaset"
)


@pytest.fixture
def strict(dossier, people):
    """Mỹ Lý's dossier (a border commune) on a set with the district guidance's requirements, under
    appraisal."""
    dossier.criteria_set.appraisal_rules = DISTRICT_RULES
    dossier.criteria_set.save()
    dossier = submit(dossier, people.officer)
    return services.dossier_start_appraisal(dossier=dossier, actor=people.police)


def record(dossier, police, *, members, conclusion="Đạt các tiêu chí."):
    services.appraisal_save(
        dossier=dossier,
        actor=police,
        members=members,
        **meeting(datetime.date(2024, 10, 1)),
        findings={c.pk: ("met", "") for c in dossier.applicable_criteria()},
        recommendation="recognise",
        conclusion=conclusion,
    )
    return Dossier.objects.get(pk=dossier.pk)


def test_the_fixture_holds_the_district_requirements():
    assert DISTRICT_RULES == {
        "min_team": 2,
        "conclusion": True,
        "border_guard_on_border": True,
        "findings_start_empty": True,
    }


@pytest.mark.district_clock
def test_a_one_person_team_without_border_guard_or_conclusion_cannot_complete(strict, people):
    leader, _member, secretary, commune = team()
    lone = [leader, commune]  # the leader alone, with the commune's representative
    dossier = record(strict, people.police, members=lone, conclusion="  ")
    with translation.override("en"):
        problems = selectors.appraisal_problems(dossier=dossier)
    assert "The inspection team needs at least 2 members besides the commune's representatives." in problems
    assert "The commune is on the border: the team needs a member from the Border Guard." in problems
    assert "Write the team's conclusion." in problems
    with pytest.raises(services.DossierActionError):
        services.dossier_complete_appraisal(dossier=dossier, actor=people.police)
    assert Dossier.objects.get(pk=dossier.pk).state == Dossier.State.UNDER_APPRAISAL


@pytest.mark.district_clock
def test_a_full_team_with_the_border_guard_completes(strict, people):
    members = [
        *team(),
        {"duty": "member", "name": "Lầu Bá Chư", "agency": "border_guard", "position": "Đồn trưởng"},
    ]
    dossier = record(strict, people.police, members=members)
    assert selectors.appraisal_problems(dossier=dossier) == []
    assert services.dossier_complete_appraisal(dossier=dossier, actor=people.police).state == "appraised"


@pytest.mark.district_clock
def test_an_inland_commune_needs_no_border_guard(people):
    from tests.factories import DossierFactory

    inland = DossierFactory(commune=people.my_ly, year=2023)
    inland.commune.is_border = False
    inland.commune.save()
    inland.criteria_set.appraisal_rules = DISTRICT_RULES
    inland.criteria_set.save()
    dossier = appraise(submit(inland, people.officer), people.police)
    assert dossier.state == Dossier.State.APPRAISED


@pytest.mark.district_clock
def test_findings_start_empty_with_the_commune_claim_beside(strict, people, client):
    rows = selectors.criterion_rows(dossier=strict)
    assert all(row["is_met"] for row in rows)  # the commune claims every criterion
    form = AppraisalForm(rows=rows, appraisal=None, start_empty=True)
    assert all(not form[f"finding_{row['criterion'].pk}"].value() for row in rows)
    suggesting = AppraisalForm(rows=rows, appraisal=None)
    assert all(suggesting[f"finding_{row['criterion'].pk}"].value() == "met" for row in rows)

    client.force_login(people.police)
    page = client.get(f"/dossiers/{strict.pk}/appraisal/").content.decode()
    assert 'value="met" checked' not in page and 'checked value="met"' not in page
    assert page.count("Xã tự đánh giá: <strong>Đạt</strong>") == len(rows)
