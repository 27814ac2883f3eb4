"""A province's cycle reads what happened (Decision 28/2025): the funnel counts the dossiers that reached
each stage, as the council's minutes do; each due day says, once passed, whether it was met; the
country's table and the cycle take `?year=` as the dashboard does."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from assessments import services as dossier_services
from assessments import workflow as table
from assessments.models import Dossier
from council.models import AgendaItem
from recognition import services
from tests import workflow
from tests.recognition.conftest import build_council, build_recommended

pytestmark = pytest.mark.django_db


def test_every_stage_of_the_funnel_is_a_state_of_the_provincial_table():
    from dashboard.selectors import FUNNEL

    stages = FUNNEL[1:]  # the first counts every dossier opened
    assert set(stages) <= set(table.PROCEDURES["province"].states)
    assert Dossier._meta.get_field("state").default == table.INITIAL_STATE


def test_a_state_reached_only_through_another_is_counted_as_having_passed_it():
    province = table.PROCEDURES["province"]
    assert table.states_through(province, "recommended") == {
        "recommended",
        "recognised",
        "revoked",
        "expired",
    }
    assert "returned" in table.states_through(province, "submitted")  # a returned report had been sent
    assert "appraised" not in table.states_through(province, "recommended")  # left out: back to appraised
    assert table.states_through(table.PROCEDURES["district"], "recommended") == set()


def test_the_funnel_counts_a_commune_the_council_recommended_and_the_chairman_left_out(
    province_people, client, django_capture_on_commit_callbacks
):
    p = build_recommended(build_council(province_people))  # Mỹ Lý and Tam Quang recommended, Bắc Lý not
    with django_capture_on_commit_callbacks(execute=False):
        services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk],
            left_out={p.dossier[p.tam_quang.pk].pk: "Chờ kết quả xác minh vụ việc ngày 10/11/2026"},
            decided_on=datetime.date(2026, 11, 24),
        )
    assert Dossier.objects.get(pk=p.dossier[p.tam_quang.pk].pk).state == "appraised"
    in_the_minutes = AgendaItem.objects.filter(session=p.session, outcome="recommended").count()
    assert in_the_minutes == 2
    client.force_login(p.provincial_police)
    page = client.get(reverse("dashboard:cycle_year", args=[2026])).content.decode()
    assert '<th scope="row">Được Hội đồng đề nghị công nhận</th><td class="num">2</td>' in page
    from dashboard.selectors import cycle_overview

    funnel = dict(cycle_overview(province=p.province, year=2026)["funnel"])
    assert funnel == {"opened": 3, "submitted": 3, "appraised": 3, "recommended": 2, "recognised": 1}


@pytest.fixture
def cycle_of_two(province_people):
    """The 2026 cycle of Mỹ Lý and Bắc Lý, each dossier filled by its commune police (not yet sent):
    reports due 5 December, the report to the Ministry 19 December."""
    p = province_people
    cycle = workflow.open_cycle(p, 2026, assigned=[p.new_my_ly, p.bac_ly])
    p.my_ly_dossier = workflow.fill_counts(cycle.dossiers.get(commune=p.new_my_ly), p.commune_police)
    p.bac_ly_dossier = workflow.fill_counts(cycle.dossiers.get(commune=p.bac_ly), p.bac_ly_police)
    return p


def send(dossier, chair, on: datetime.date) -> None:
    with time_machine.travel(datetime.datetime(on.year, on.month, on.day, 9, 0), tick=False):
        dossier_services.dossier_submit(dossier=dossier, actor=chair)


def cycle_page(client, p, on: datetime.date) -> str:
    with time_machine.travel(datetime.datetime(on.year, on.month, on.day, 9, 0), tick=False):
        client.force_login(p.provincial_police)  # a session of that day (sessions end when idle)
        response = client.get(reverse("dashboard:cycle_year", args=[2026]))
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_day_the_days_left_and_the_reports_in(client, cycle_of_two):
    p = cycle_of_two
    send(p.my_ly_dossier, p.commune_chair, datetime.date(2026, 12, 3))
    page = cycle_page(client, p, datetime.date(2026, 12, 4))
    assert "05/12/2026 — còn 1 ngày; đã nhận 1/2 báo cáo" in page
    from dashboard.selectors import cycle_deadlines

    reports, ministry = cycle_deadlines(province=p.province, year=2026, today=datetime.date(2026, 12, 4))
    assert (reports.met, reports.sent, reports.expected, reports.days_left) == (None, 1, 2, 1)
    assert ministry.met is None and ministry.days_left == 15


def test_the_reports_deadline_is_met_when_every_commune_sent_by_the_day(client, cycle_of_two):
    p = cycle_of_two
    send(p.my_ly_dossier, p.commune_chair, datetime.date(2026, 12, 3))
    send(p.bac_ly_dossier, p.bac_ly_chair, datetime.date(2026, 12, 5))  # on the day itself
    page = cycle_page(client, p, datetime.date(2026, 12, 8))
    assert "Đã nộp đủ, ngày 05/12/2026" in page
    assert "quá hạn" not in page and "Không đạt" not in page.split("Báo cáo Bộ Công an")[0]


def test_the_reports_deadline_is_missed_with_the_number_late_or_not_sent(client, cycle_of_two):
    p = cycle_of_two
    send(p.my_ly_dossier, p.commune_chair, datetime.date(2026, 12, 3))
    send(p.bac_ly_dossier, p.bac_ly_chair, datetime.date(2026, 12, 7))  # two days late
    page = cycle_page(client, p, datetime.date(2026, 12, 8))
    assert "Không đạt: 1 xã nộp muộn hoặc chưa nộp" in page and "Đã nộp đủ" not in page


def test_the_ministry_report_deadline_reads_the_day_it_was_sent(
    client, cycle_of_two, django_capture_on_commit_callbacks
):
    p = cycle_of_two
    page = cycle_page(client, p, datetime.date(2026, 12, 20))
    assert "Không đạt: chưa gửi" in page  # the day has passed and nothing was sent
    with time_machine.travel(datetime.datetime(2026, 12, 16, 9, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            report = services.ministry_report_request(
                province=p.province, year=2026, actor=p.provincial_police
            )
        services.ministry_report_mark_sent(
            document=report, actor=p.provincial_police, sent_on=datetime.date(2026, 12, 16)
        )
    page = cycle_page(client, p, datetime.date(2026, 12, 20))
    assert "Đã gửi ngày 16/12/2026" in page and "chưa gửi" not in page


def test_the_national_table_and_the_cycle_take_the_year_asked(client, province_people):
    p = province_people
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0), tick=False):
        client.force_login(p.ministry)
        page = client.get(reverse("dashboard:national"), {"year": "2025"}).content.decode()
        assert "<h1>Toàn quốc, năm 2025</h1>" in page
        assert '<option value="2025" selected>' in page
        this_year = client.get(reverse("dashboard:national"), {"year": "năm ngoái"}).content.decode()
        assert '<option value="2026" selected>' in this_year  # not a year: ignored, as on /dashboard/
        cycle = client.get(reverse("dashboard:cycle"), {"year": "2025", "province": p.province.code})
        assert '<option value="2025" selected>' in cycle.content.decode()


def test_the_stages_each_state_has_passed_agree_with_the_table_s_graph():
    """The funnel counts a dossier by the stages its state has passed (StateRule.funnel); for every
    procedure, they are the states reachable only through the stage's state (states_through)."""
    for procedure in table.PROCEDURES.values():
        reachable = table.states_through(procedure, table.INITIAL_STATE)
        for stage in table.FUNNEL_STAGES:
            past = table.states_past(procedure, stage) & reachable
            expected = table.states_through(procedure, stage) if stage != "opened" else reachable
            assert past == expected, (procedure.code, stage)
    # The district procedure had no council: none of its reachable states passed a recommendation.
    district = table.PROCEDURES["district"]
    assert not table.states_past(district, "recommended") & table.states_through(
        district, table.INITIAL_STATE
    )


def test_the_cycle_lists_the_recognised_communes_still_computed_as_key_areas(province_people, client):
    """Recognised or recommended, and computed as a key-area type by their counts: listed apart on the
    cycle's dashboard, filtered by type; a commune the council did not recommend is not among them."""
    from assessments.models import SituationCounts

    p = build_recommended(build_council(province_people))  # Mỹ Lý and Tam Quang recommended, Bắc Lý not
    SituationCounts.objects.filter(dossier=p.dossier[p.tam_quang.pk]).update(classification="II")
    client.force_login(p.provincial_police)
    url = reverse("dashboard:cycle_year", args=[2026])
    page = client.get(url).content.decode()
    listed = page[page.index("data-key-areas") :]
    listed = listed[: listed.index("</table>")]
    assert '<th scope="row">Xã Mỹ Lý</th><td>Địa bàn trọng điểm loại III</td>' in listed
    assert '<th scope="row">Xã Tam Quang</th><td>Địa bàn trọng điểm loại II</td>' in listed
    assert "Xã Bắc Lý" not in listed
    only_ii = client.get(url, {"key_area": "II"}).content.decode()
    listed = only_ii[only_ii.index("data-key-areas") :]
    listed = listed[: listed.index("</table>")]
    assert "Xã Tam Quang" in listed and "Xã Mỹ Lý" not in listed
    assert client.get(url, {"key_area": "IV"}).status_code == 200  # anything else reads as every type
