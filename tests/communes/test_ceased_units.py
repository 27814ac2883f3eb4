"""A body's posts end with the body (F17): a post of a unit that ceased grants no action after the unit's
`valid_until`, only reading. Every step of the district procedure's table taken by a district or commune
post is taken the day before Kỳ Sơn ceased and refused the day after, with nothing written; the clerk's
number likewise; no dossier opens for a unit in a year outside its validity."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from assessments import services as assessment_services
from assessments.models import Dossier, DossierEvent
from assessments.workflow import PROCEDURES
from communes.models import Post, RegisterNumber
from communes.permissions import forget_grants, has_unit_perm
from recognition import services
from recognition.models import RecognitionDecision, Revocation
from tests import workflow
from tests.factories import DossierFactory
from tests.world import DISTRICT_CLOCK

pytestmark = pytest.mark.django_db

HANOI = datetime.timezone(datetime.timedelta(hours=7))
DAY_BEFORE = datetime.datetime(2025, 6, 29, 9, 0, tzinfo=HANOI)
DAY_AFTER = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=HANOI)
# Who holds each permission among the reference world's district officials.
HOLDER = {
    "prepare_commune_dossiers": "officer",
    "appraise_district_dossiers": "police",
    "decide_district_dossiers": "chair",
}
# Every step of the district table an official of a district or a commune takes, from its state.
DISTRICT_STEPS = [
    (state, step)
    for state, rule in PROCEDURES["district"].states.items()
    for step in rule.steps
    if step.permission in HOLDER
]


def _take(step, dossier, actor, on: datetime.date):
    """Take the step through the service an official's page calls."""
    if step.transition in ("recognise", "refuse"):
        return services.decision_record(
            dossier=dossier,
            actor=actor,
            outcome="recognised" if step.transition == "recognise" else "not_recognised",
            decided_on=on,
            reasons="Lý do",
        )
    if step.transition == "revoke":
        return services.decision_revoke(
            decision=RecognitionDecision.objects.get(dossier=dossier),
            actor=actor,
            incident_date=on,
            incident_description="Phát hiện điểm sử dụng ma túy",
            reason="Không còn đạt tiêu chí",
            decided_on=on,
        )
    return assessment_services.dossier_act(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=actor, transition=step.transition, reason="Lý do"
    )


def _written(dossier) -> tuple:
    return (
        Dossier.objects.get(pk=dossier.pk).state,
        DossierEvent.objects.filter(dossier=dossier).count(),
        RegisterNumber.objects.count(),
        RecognitionDecision.objects.count(),
        Revocation.objects.count(),
    )


def test_the_table_has_district_steps_to_check():
    assert {s.transition for _state, s in DISTRICT_STEPS} >= {
        "submit",
        "start_appraisal",
        "return_to_commune",
        "complete_appraisal",
        "recognise",
        "refuse",
        "send_back",
        "revoke",
    }


@pytest.mark.parametrize(
    "state,step", DISTRICT_STEPS, ids=[f"{state}-{step.transition}" for state, step in DISTRICT_STEPS]
)
def test_a_district_post_acts_the_day_before_its_unit_ends_and_is_refused_the_day_after(people, state, step):
    with time_machine.travel(DISTRICT_CLOCK, tick=False):
        dossier = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2024), state, people)
        if step.transition == "submit" and state == "draft":  # answered while the district existed
            dossier = workflow.fill(dossier, people.officer)
        if step.transition == "complete_appraisal":  # the findings recorded while the district existed
            dossier = workflow.appraise(dossier, people.police, complete=False)
    actor = getattr(people, HOLDER[step.permission])

    with time_machine.travel(DAY_AFTER, tick=False):
        forget_grants(actor)
        before = _written(dossier)
        with pytest.raises(PermissionDenied):
            _take(step, dossier, actor, DAY_AFTER.date() - datetime.timedelta(days=1))
        assert _written(dossier) == before  # nothing written under their name
        # Reading stays: the post keeps its view permission on the unit's history.
        unit = people.my_ly if step.level == "commune" else people.ky_son
        view = "view_commune_dossiers" if step.level == "commune" else "view_district_dossiers"
        assert has_unit_perm(actor, view, unit)
        assert not has_unit_perm(actor, step.permission, unit)

    with time_machine.travel(DAY_BEFORE, tick=False):
        forget_grants(actor)
        _take(step, dossier, actor, DAY_BEFORE.date())
    assert Dossier.objects.get(pk=dossier.pk).state in step.targets


def test_the_clerk_numbers_the_day_before_the_district_ends_and_not_the_day_after(clerk_mode):
    people = clerk_mode
    with time_machine.travel(DISTRICT_CLOCK, tick=False):
        dossier = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2024), "appraised", people)
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=DISTRICT_CLOCK.date()
        )
    with time_machine.travel(DAY_AFTER, tick=False):
        forget_grants(people.clerk)
        with pytest.raises(PermissionDenied):
            services.record_issue(
                record=decision, actor=people.clerk, number=7, issued_on=DAY_BEFORE.date(), dispatch_number=7
            )
        assert not RegisterNumber.objects.filter(number=7).exists()
    with time_machine.travel(DAY_BEFORE, tick=False):
        forget_grants(people.clerk)
        services.record_issue(
            record=decision, actor=people.clerk, number=7, issued_on=DAY_BEFORE.date(), dispatch_number=7
        )
    assert RecognitionDecision.objects.get(pk=decision.pk).number == 7


def test_the_ceased_units_officials_are_not_told_and_wait_for_nothing(people):
    """Who is notified is who may act: after the unit's end, no district post."""
    from communes.permissions import holders_of

    with time_machine.travel(DAY_AFTER, tick=False):
        assert not holders_of("appraise_district_dossiers", people.ky_son).exists()
        assert Post.objects.serving().filter(district=people.ky_son).count() == 0
        assert Post.objects.active().filter(district=people.ky_son).exists()  # held, only reading
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert people.police in holders_of("appraise_district_dossiers", people.ky_son)


def test_no_dossier_opens_for_a_unit_in_a_year_outside_its_validity(people):
    from assessments.services import DossierActionError

    with pytest.raises(DossierActionError, match="không tồn tại|did not exist|không còn"):
        assessment_services.dossier_open(commune=people.my_ly, year=2026, actor=None)
    assert not Dossier.objects.filter(commune=people.my_ly, year=2026).exists()
