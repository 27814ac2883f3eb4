"""The procedure in force since 1 July 2025 (Decision 28/2025/QĐ-TTg), up to the provincial police's
appraisal: the yearly cycle, the commune police's counts, the commune chair's report, the provincial
police's check. On a frozen clock: these tests must pass in 2027 too."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from assessments import permissions, services, workflow
from assessments.models import Dossier, EvaluationCycle, Notification
from assessments.selectors import dossiers_awaiting, history_of, submission_problems
from communes.permissions import unit_grants
from tests.factories import DossierFactory
from tests.workflow import CLEAN, fill_counts, meeting, open_cycle, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def spring_2026():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def cycle(province_people, spring_2026):
    p = province_people
    return open_cycle(
        p, 2026, plan_reference="Kế hoạch số 107/KH-UBND ngày 12/02/2026", assigned=[p.new_my_ly, p.bac_ly]
    )


def test_the_provincial_police_open_the_cycle_and_the_assigned_communes_get_their_dossiers(
    cycle, province_people
):
    p = province_people
    assert cycle.period == (datetime.date(2025, 12, 15), datetime.date(2026, 12, 14))
    dossiers = {d.commune: d for d in cycle.dossiers.all()}
    assert set(dossiers) == {p.new_my_ly, p.bac_ly}
    assert all(d.criteria_set.procedure == "province" and d.state == "draft" for d in dossiers.values())
    with pytest.raises(PermissionDenied):
        open_cycle(p, 2027, actor=p.commune_police)
    with pytest.raises(services.DossierActionError):  # one cycle per province and year
        open_cycle(p, 2026)


def test_a_commune_not_assigned_registers_itself_and_a_dossier_opens(cycle, province_people):
    p = province_people
    with pytest.raises(PermissionDenied):
        services.cycle_register(cycle=cycle, commune=p.tam_quang, actor=p.commune_police)
    dossier = services.cycle_register(cycle=cycle, commune=p.tam_quang, actor=p.tam_quang_chair)
    assert dossier.commune == p.tam_quang and dossier.cycle == cycle
    assert cycle.entries.get(commune=p.tam_quang).how == "registered"
    with pytest.raises(services.DossierActionError):
        services.cycle_register(cycle=cycle, commune=p.tam_quang, actor=p.tam_quang_chair)
    with pytest.raises(services.DossierActionError, match="đợt xét của tỉnh"):  # not one by one
        services.dossier_open(commune=p.tam_quang, year=2027, actor=p.tam_quang_chair)


def test_commune_police_prepare_the_chair_submits_and_the_provincial_police_are_told(cycle, province_people):
    p = province_people
    dossier = cycle.dossiers.get(commune=p.new_my_ly)
    problems = submission_problems(dossier=dossier)
    assert any(str(x).startswith("Chưa nhập: dân số") for x in problems)
    with pytest.raises(PermissionDenied):  # the chair signs, the police prepare
        services.self_assessment_save(dossier=dossier, actor=p.commune_chair, answers={}, counts=CLEAN)
    dossier = fill_counts(dossier, p.commune_police)
    assert dossier.situation().classification == "III"  # two users with records, both exempt
    assert [a.is_met for a in dossier.answers.order_by("criterion__code")] == [True, True, True]
    assert workflow.available_actions(dossier, p.commune_police) == []
    with pytest.raises(PermissionDenied):
        services.dossier_submit(dossier=dossier, actor=p.commune_police)
    dossier = services.dossier_submit(dossier=dossier, actor=p.commune_chair)
    assert dossier.state == "submitted"
    assert set(
        Notification.objects.filter(dossier=dossier).values_list("recipient__username", flat=True)
    ) == {"pc04"}
    assert dossier in dossiers_awaiting(user=p.provincial_police)
    assert dossier not in dossiers_awaiting(user=p.police)  # the district police of the old procedure


def test_the_provincial_police_return_one_with_a_reason_and_appraise_another(cycle, province_people):
    p = province_people
    my_ly = services.dossier_submit(
        dossier=fill_counts(cycle.dossiers.get(commune=p.new_my_ly), p.commune_police), actor=p.commune_chair
    )
    bac_ly = services.dossier_submit(
        dossier=fill_counts(cycle.dossiers.get(commune=p.bac_ly), p.bac_ly_police), actor=p.bac_ly_chair
    )
    for outsider in (p.police, p.chair, p.bac_ly_police, p.commune_chair, p.other_province_police):
        assert not permissions.can_appraise(my_ly, outsider)
    with pytest.raises(services.DossierActionError, match="reason|lý do"):
        services.dossier_return_to_commune(dossier=bac_ly, actor=p.provincial_police, reason="  ")
    bac_ly = services.dossier_return_to_commune(
        dossier=bac_ly, actor=p.provincial_police, reason="Số liệu chưa khớp"
    )
    assert bac_ly.state == "returned"
    told = set(
        Notification.objects.filter(dossier=bac_ly, event__to_state="returned").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"ca_bacly", "ct_bacly"}

    my_ly = services.dossier_start_appraisal(dossier=my_ly, actor=p.provincial_police)
    services.appraisal_save(
        dossier=my_ly,
        actor=p.provincial_police,
        members=team("provincial_police"),
        **meeting(datetime.date(2026, 2, 20)),
        findings={c.pk: ("met", "") for c in my_ly.applicable_criteria()},
        recommendation="recognise",
        conclusion="Đạt ba tiêu chí của Điều 6.",
    )
    with pytest.raises(services.DossierActionError) as missing:
        services.dossier_complete_appraisal(dossier=my_ly, actor=p.provincial_police)
    problems = [str(x) for x in missing.value.problems]
    assert "Nhập ngày đối chiếu số liệu với dữ liệu của Công an." in problems
    assert "Xã biên giới: tổ thẩm định phải có thành viên Bộ đội Biên phòng." in problems  # Mỹ Lý
    services.appraisal_save(
        dossier=my_ly,
        actor=p.provincial_police,
        counts_checked_on=datetime.date(2026, 2, 25),
        members=team("provincial_police", border=True),
        **meeting(datetime.date(2026, 2, 20)),
        findings={c.pk: ("met", "") for c in my_ly.applicable_criteria()},
        recommendation="recognise",
        conclusion="Đạt ba tiêu chí của Điều 6.",
    )
    my_ly = services.dossier_complete_appraisal(
        dossier=Dossier.objects.get(pk=my_ly.pk), actor=p.provincial_police
    )
    assert my_ly.state == "appraised"
    # The provincial chair and vice-chairs are the deciding authority, but an appraised dossier goes to
    # the review council first: nobody decides it one by one, and nobody of the district procedure.
    assert workflow.available_actions(my_ly, p.provincial_chair) == []
    assert permissions.can_decide(my_ly, p.provincial_chair) and permissions.can_decide(
        my_ly, p.provincial_vice_chair
    )
    for official in (p.chair, p.council_member):
        assert not permissions.can_decide(my_ly, official)
    assert my_ly not in dossiers_awaiting(user=p.provincial_chair)
    assert my_ly in dossiers_awaiting(user=p.council_secretary)  # the council's turn


def test_reminders_follow_the_cycles_due_date(cycle, province_people):
    Notification.objects.all().delete()
    with time_machine.travel(datetime.date(2026, 11, 27), tick=False):
        assert services.cycle_reminders_send() == 0  # eight days before: no reminder
    with time_machine.travel(datetime.date(2026, 11, 28), tick=False):
        assert services.cycle_reminders_send() == 4  # two communes, each its police and chair
    note = Notification.objects.filter(recipient__username="ca_myly").get().note
    assert "05/12/2026" in note and "7" in note
    with time_machine.travel(datetime.date(2026, 12, 6), tick=False):
        assert services.cycle_reminders_send() == 4  # late: every day until the report is sent
    latest = Notification.objects.filter(recipient__username="ca_myly").order_by("-pk").first().note
    assert "đã quá hạn ngày 05/12/2026" in latest


def test_the_beat_opens_the_next_cycles_dossiers_when_its_period_begins(province_people):
    p = province_people
    with time_machine.travel(datetime.date(2026, 12, 1), tick=False):
        cycle = open_cycle(p, 2027, target_percent=35, assigned=[p.new_my_ly])
        assert services.cycles_open_dossiers() == 0 and not cycle.dossiers.exists()
    with time_machine.travel(datetime.date(2026, 12, 15), tick=False):
        from assessments.tasks import open_cycle_dossiers

        assert open_cycle_dossiers.delay().get() == 1
    assert EvaluationCycle.objects.get(pk=cycle.pk).dossiers.get().commune == p.new_my_ly


def test_a_reevaluation_starts_from_last_years_answers_counts_and_files(cycle, province_people):
    p = province_people
    last = fill_counts(cycle.dossiers.get(commune=p.new_my_ly), p.commune_police)
    with time_machine.travel(datetime.date(2027, 1, 5), tick=False):
        next_cycle = open_cycle(p, 2027, target_percent=35, assigned=[p.new_my_ly])
        dossier = next_cycle.dossiers.get()
        counts = dossier.situation()
        assert counts.carried_over and counts.population == last.situation().population
        assert all(a.carried_over for a in dossier.answers.all()) and dossier.answers.count() == 3
        assert dossier.evidence.filter(carried_over=True).count() == 3
        problems = [str(x) for x in submission_problems(dossier=dossier)]
        assert "Số liệu là của năm trước: hãy xác nhận hoặc sửa." in problems
        assert any("tệp minh chứng của năm trước" in x for x in problems)
        ids = {c.pk for c in dossier.applicable_criteria()}
        services.self_assessment_save(
            dossier=dossier,
            actor=p.commune_police,
            answers={},
            counts={**CLEAN, "confirm": True},
            confirmed=ids,
        )
        assert submission_problems(dossier=Dossier.objects.get(pk=dossier.pk)) == []


def test_a_new_units_first_evaluation_is_blank_with_its_predecessors_dossiers_linked(cycle, province_people):
    p = province_people
    old_2024 = DossierFactory(commune=p.my_ly, year=2024)
    dossier = cycle.dossiers.get(commune=p.new_my_ly)
    assert dossier.situation() is None and not dossier.answers.exists()
    assert old_2024 in history_of(dossier=dossier)
    assert DossierFactory(commune=p.hanh_lam, year=2024) not in history_of(dossier=dossier)


def test_the_awaiting_condition_names_only_what_the_official_acts_on(
    cycle, province_people, django_assert_num_queries
):
    """The grants' pks are written into the condition (no subquery over the units per permission), and a
    permission held on no unit adds nothing: the provincial viewer, who acts on nothing, reads nothing."""
    p = province_people
    dossier = Dossier.objects.get(commune=p.new_my_ly, year=2026)
    sql = str(dossiers_awaiting(user=p.provincial_police).query)
    assert not any(f'"communes_{unit}" U0' in sql for unit in ("province", "district", "commune"))
    assert list(dossiers_awaiting(user=p.commune_police)) == [dossier]  # the draft is theirs to prepare
    unit_grants(p.viewer)  # the grants, read once per request
    with django_assert_num_queries(0):
        assert list(dossiers_awaiting(user=p.viewer)) == []
