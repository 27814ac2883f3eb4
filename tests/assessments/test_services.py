import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import CriteriaSet, Criterion, Dossier, DossierEvent, Notification
from tests import workflow
from tests.factories import CriterionFactory, DossierFactory, put_in_state, small_criteria_set

pytestmark = pytest.mark.django_db


def test_met_is_computed_from_the_value_and_the_target():
    count_zero = CriterionFactory(measure="count", comparator="eq", target=Decimal(0))
    at_least_12 = CriterionFactory(measure="count", comparator="gte", target=Decimal(12))
    full = CriterionFactory(measure="percentage", comparator="eq", target=Decimal(100))
    yes = CriterionFactory(measure="boolean", target=Decimal(1))

    assert count_zero.is_met_by(Decimal(0)) is True
    assert count_zero.is_met_by(Decimal(2)) is False
    assert at_least_12.is_met_by(Decimal(12)) is True
    assert at_least_12.is_met_by(Decimal(11)) is False
    assert full.is_met_by(Decimal("99.5")) is False
    assert yes.is_met_by(True) is True and yes.is_met_by(False) is False
    assert yes.is_met_by(None) is None


@pytest.mark.district_clock
def test_commune_officer_submits_a_complete_self_assessment(dossier, people):
    submitted = workflow.submit(dossier, people.officer)

    assert submitted.state == Dossier.State.SUBMITTED
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.actor, event.from_state, event.to_state, event.transition) == (
        people.officer,
        "draft",
        "submitted",
        "submit",
    )
    assert event.object_repr == "Xã Mỹ Lý — 2024"


@pytest.mark.district_clock
def test_submitting_with_something_missing_lists_what_is_missing_and_keeps_the_answers(dossier, people):
    workflow.fill(dossier, people.officer, with_evidence=False)

    with pytest.raises(services.DossierActionError) as error:
        services.dossier_submit(dossier=dossier, actor=people.officer)

    assert error.value.problems == ["C1: cần có minh chứng."]
    dossier.refresh_from_db()
    assert dossier.state == Dossier.State.DRAFT
    assert dossier.answers.count() == 3


@pytest.mark.district_clock
def test_an_unanswered_criterion_is_listed(dossier, people):
    with pytest.raises(services.DossierActionError) as error:
        services.dossier_submit(dossier=dossier, actor=people.officer)
    assert "C2: chưa trả lời." in error.value.problems


@pytest.mark.district_clock
def test_officer_of_another_commune_cannot_submit(dossier, people):
    workflow.fill(dossier, people.officer)
    with pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, actor=people.other_officer)


@pytest.mark.district_clock
def test_police_cannot_submit_for_the_commune(dossier, people):
    workflow.fill(dossier, people.officer)
    with pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, actor=people.police)


def test_transition_not_allowed_from_the_state_is_a_clear_conflict(dossier, people):
    with pytest.raises(services.DossierConflict) as error:
        services.dossier_start_appraisal(dossier=dossier, actor=people.police)
    assert "Draft" in error.value.message or "Nháp" in error.value.message


@pytest.mark.district_clock
def test_police_return_a_dossier_only_with_a_reason(dossier, people):
    submitted = workflow.submit(dossier, people.officer)
    with pytest.raises(services.DossierActionError):
        services.dossier_return_to_commune(dossier=submitted, actor=people.police, reason="  ")

    returned = services.dossier_return_to_commune(
        dossier=submitted, actor=people.police, reason="Thiếu biên bản"
    )
    assert returned.state == Dossier.State.RETURNED
    assert returned.events.last().comment == "Thiếu biên bản"
    # The commune can correct and submit again.
    assert workflow.submit(returned, people.officer).state == Dossier.State.SUBMITTED


@pytest.mark.district_clock
def test_completing_the_appraisal_needs_a_finding_for_every_criterion_and_a_recommendation(dossier, people):
    dossier = services.dossier_start_appraisal(
        dossier=workflow.submit(dossier, people.officer), actor=people.police
    )
    first = dossier.applicable_criteria()[0]
    services.appraisal_save(
        dossier=dossier,
        actor=people.police,
        inspection_date=None,
        members=[],
        findings={first.pk: ("met", "")},
        recommendation="",
        conclusion="",
    )
    with pytest.raises(services.DossierActionError) as error:
        services.dossier_complete_appraisal(dossier=dossier, actor=people.police)
    assert "C2: chưa có kết quả thẩm định." in error.value.problems
    assert "C3: chưa có kết quả thẩm định." in error.value.problems
    assert "Hãy nêu đề xuất (công nhận hoặc không)." in error.value.problems

    appraised = workflow.appraise(dossier, people.police)
    assert appraised.state == Dossier.State.APPRAISED


@pytest.mark.district_clock
def test_a_stale_form_is_refused_and_nothing_is_overwritten(dossier, people):
    seen_version = dossier.version
    criterion = dossier.applicable_criteria()[0]
    services.self_assessment_save(
        dossier=dossier, actor=people.officer, answers={criterion.pk: (Decimal(0), "A")}
    )

    with pytest.raises(services.DossierConflict):
        services.self_assessment_save(
            dossier=dossier,
            actor=people.officer,
            answers={criterion.pk: (Decimal(5), "B")},
            expected_version=seen_version,
        )
    assert dossier.answers.get().explanation == "A"


@pytest.mark.district_clock
def test_the_answers_cannot_change_after_submission(dossier, people):
    submitted = workflow.submit(dossier, people.officer)
    criterion = submitted.applicable_criteria()[0]
    with pytest.raises(services.DossierConflict):
        services.self_assessment_save(
            dossier=submitted, actor=people.officer, answers={criterion.pk: (Decimal(3), "")}
        )


@pytest.mark.district_clock
def test_history_is_append_only(dossier, people):
    workflow.submit(dossier, people.officer)
    event = DossierEvent.objects.get()
    event.comment = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.district_clock
def test_each_transition_notifies_who_acts_next_in_app_and_by_email(
    dossier, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(dossier, people.officer)

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["police"]
    assert [m.to for m in mail.outbox] == [["ca@example.vn"]]
    assert "Xã Mỹ Lý — 2024" in mail.outbox[0].subject


@pytest.mark.district_clock
def test_no_notification_goes_to_another_district(dossier, people):
    workflow.submit(dossier, people.officer)
    assert not Notification.objects.filter(recipient=people.other_police).exists()


@pytest.mark.district_clock
def test_the_reevaluation_criterion_applies_only_to_a_reevaluation(people):
    from django.core.management import call_command

    call_command("loaddata", "criteria_nghean_2022", verbosity=0)
    criteria_set = CriteriaSet.objects.get(code="nghean-2022")
    first = services.dossier_open(commune=people.my_ly, year=2023, actor=people.officer)
    assert first.criteria_set == criteria_set
    assert "SX-10" not in [c.code for c in first.applicable_criteria()]
    put_in_state([first], Dossier.State.RECOGNISED)

    second = services.dossier_open(commune=people.my_ly, year=2024, actor=people.officer)
    assert second.is_reevaluation
    assert "SX-10" in [c.code for c in second.applicable_criteria()]


@pytest.mark.district_clock
def test_the_2025_national_set_is_decided_by_the_province_not_the_district_chair(people):
    from django.core.management import call_command

    from assessments import permissions

    call_command("loaddata", "criteria_qd28_2025", verbosity=0)
    # The old Mỹ Lý ended on 30 June 2025: its 2025 dossier is the new unit's, opened by the cycle.
    with pytest.raises(services.DossierActionError, match="14/12/2025"):
        services.dossier_open(commune=people.my_ly, year=2025, actor=people.officer)
    new_my_ly = type(people.my_ly).objects.get(code="16816", valid_from="2025-07-01")
    cycle = services.cycle_open(
        province=people.province,
        year=2025,
        actor=people.provincial_police,
        target_percent=20,
        reports_due=datetime.date(2025, 12, 5),
        ministry_report_due=datetime.date(2025, 12, 19),
        assigned=[new_my_ly],
        today=datetime.date(2025, 8, 1),
    )
    dossier = cycle.dossiers.get()
    assert dossier.commune == new_my_ly and dossier.criteria_set.procedure == "province"
    assert dossier.criteria_set.evaluation_period(2025)[0].isoformat() == "2024-12-15"
    assert not permissions.can_decide(dossier, people.chair)


@pytest.mark.district_clock
def test_only_one_dossier_per_commune_and_year(dossier, people):
    with pytest.raises(services.DossierActionError):
        services.dossier_open(commune=people.my_ly, year=2024, actor=people.officer)


@pytest.mark.district_clock
def test_a_criteria_set_in_use_cannot_be_edited_in_place_but_gets_a_new_version(dossier, people):
    criteria_set = dossier.criteria_set
    workflow.submit(dossier, people.officer)
    criteria_set.title_vi = "Sửa tại chỗ"
    with pytest.raises(ValidationError):
        criteria_set.save()

    new = services.criteria_set_new_version(criteria_set=CriteriaSet.objects.get(pk=criteria_set.pk))
    assert new.version == 2 and new.supersedes_id == criteria_set.pk
    assert [c.code for c in new.criteria.all()] == ["C1", "C2", "C3"]
    new.title_vi = "Phiên bản 2"
    new.save()
    assert not CriteriaSet.objects.get(pk=criteria_set.pk).is_active


def test_a_draft_set_can_still_be_edited():
    criteria_set = small_criteria_set()
    DossierFactory(criteria_set=criteria_set)
    criteria_set.title_vi = "Sửa khi chưa ai nộp"
    criteria_set.save()
    assert CriteriaSet.objects.get(pk=criteria_set.pk).title_vi == "Sửa khi chưa ai nộp"


def test_criteria_fixtures_load_ten_and_three_criteria():
    from django.core.management import call_command

    call_command("loaddata", "criteria_nghean_2022", "criteria_qd28_2025", verbosity=0)
    nghean = CriteriaSet.objects.get(code="nghean-2022")
    national = CriteriaSet.objects.get(code="qd28-2025")
    assert nghean.criteria.count() == 10 and nghean.recognition_term == "sạch về ma túy"
    assert national.criteria.count() == 3 and national.recognition_term == "không ma túy"
    assert nghean.procedure == "district"
    assert national.procedure == "province"
    assert Criterion.objects.get(criteria_set=nghean, code="SX-06").is_met_by(Decimal(12))


@pytest.mark.district_clock
def test_admin_cannot_edit_a_criteria_set_in_use(admin_client, dossier, people):
    workflow.submit(dossier, people.officer)
    url = f"/admin/assessments/criteriaset/{dossier.criteria_set_id}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "không thể sửa trực tiếp" in response.content.decode()
    response = admin_client.post(url, {"title_vi": "Sửa"})
    assert response.status_code == 403
    assert CriteriaSet.objects.get(pk=dossier.criteria_set_id).title_vi != "Sửa"
