"""Recording a province's past: decisions issued outside the application, entered by the clerk by hand
or from one file, read like any other year (history, re-evaluation, the cycle dashboard, the report to
the Ministry), their numbers taken in the register, and every rule of the step `record_outcome`."""

import datetime

import pytest
import time_machine

from assessments.models import Dossier, DossierEvent
from communes.models import Commune, District, Province, RegisterNumber
from recognition.models import RecognitionDecision, RecordedDecision
from records.importer import read_past_decisions
from records.services import (
    OutcomeLine,
    PastDecision,
    RecordRefused,
    past_decision_record,
    past_decisions_import,
)
from tests.records.world import clerk, district_criteria, past_file

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def province():
    district_criteria()
    return Province.objects.get(code="40")


@pytest.fixture
def recorder(province):
    """The clerk, in post since the day the tests run on (TODAY: in Hanoi, the real day may be later)."""
    with time_machine.travel(TODAY, tick=False):
        return clerk(province)


def ky_son_decision(*lines, number=12, day=datetime.date(2022, 12, 20), year=2022) -> PastDecision:
    district = District.objects.get(code="417")
    communes = {c.code: c for c in Commune.objects.filter(district__isnull=False)}
    return PastDecision(
        unit=district,
        number=number,
        decided_on=day,
        signer_name="Lô Văn Chủ",
        signer_title="Chủ tịch UBND huyện",
        lines=tuple(
            OutcomeLine(commune=communes[code], year=year, outcome=outcome, reasons=reasons)
            for code, outcome, reasons in lines
        ),
    )


def import_file(province, recorder, text: str, name="qua_khu.csv"):
    decisions = read_past_decisions(name=name, data=text.encode(), province=province)
    return past_decisions_import(actor=recorder, province=province, decisions=decisions, source=name)


@time_machine.travel(TODAY, tick=False)
def test_a_provinces_past_from_one_file_reads_like_any_other_year_and_a_second_run_changes_nothing(
    province, recorder
):
    from dashboard.selectors import predecessors_history
    from recognition.selectors import ministry_report_figures

    text = past_file(province)
    report = import_file(province, recorder, text)
    # 6 districts × 2 years, and the provincial decision: 13 decisions, 27 × 2 + 5 lines.
    assert len(report.recorded) == 13 and report.lines == 59
    assert Dossier.objects.filter(year=2022, state="recognised").count() == 26
    assert Dossier.objects.get(year=2022, commune__code="16822", commune__district__isnull=False).state == (
        "not_recognised"
    )
    assert Dossier.objects.filter(year=2023, state="recognised").count() == 27
    assert Dossier.objects.filter(year=2025, state="recognised").count() == 5
    # The history row says where it comes from, who entered it and when.
    event = DossierEvent.objects.filter(transition="record_outcome", dossier__year=2023).first()
    assert event.from_state == "draft" and event.to_state == "recognised"
    assert "Ghi nhận từ quyết định số" in event.comment and "nhập ngày 03/12/2026" in event.comment
    assert event.actor == recorder

    # The cycle dashboard of 2026: each new unit beside its predecessors' states of 2022 and 2023.
    rows = predecessors_history(province=province, year=2026)
    years = {y for row in rows for p in row["predecessors"] for y in p["years"]}
    assert {2022, 2023} <= years
    assert any(p["years"].get(2023) == "Được công nhận" for row in rows for p in row["predecessors"])
    # The report to the Ministry: "the year before" is 2025's recorded decision.
    assert ministry_report_figures(province=province, year=2026)["previous"]["recognised"] == 5

    # A second run of the same file changes nothing, and says so.
    before = (Dossier.objects.count(), RecognitionDecision.objects.count(), RegisterNumber.objects.count())
    again = import_file(province, recorder, text)
    assert again.recorded == [] and len(again.unchanged) == 13
    after = (Dossier.objects.count(), RecognitionDecision.objects.count(), RegisterNumber.objects.count())
    assert before == after


@time_machine.travel(TODAY, tick=False)
def test_the_import_command_reports_every_bad_line_and_writes_nothing_then_says_nothing_changed(
    province, recorder, tmp_path
):
    from django.core.management import CommandError, call_command

    good = past_file(province)
    bad = (
        good
        + "417,99,QĐ-UBND,31/02/2022,Lô Văn Chủ,,,2022,16816,cong_nhan,\n417,98,,20/12/2022,X,,,2022,99999,gì đó,\n"
    )
    path = tmp_path / "qua_khu.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_past_decisions", str(path), province="40", by=recorder.username)
    assert not RecordedDecision.objects.exists() and not Dossier.objects.exists()
    path.write_text(good, encoding="utf-8")
    call_command("import_past_decisions", str(path), province="40", by=recorder.username)
    from io import StringIO

    out = StringIO()
    call_command("import_past_decisions", str(path), province="40", by=recorder.username, stdout=out)
    assert "Nothing changed" in out.getvalue()


def test_the_import_names_each_bad_line_in_vietnamese(province):
    text = (
        "co_quan,so,ngay,nguoi_ky,nam,ma_xa,ket_qua\n"
        "417,12,20/12/2022,Lô Văn Chủ,2022,16816,cong_nhan\n"
        "999,12,20/12/2022,Lô Văn Chủ,2022,16816,cong_nhan\n"
        "417,abc,hôm qua,Lô Văn Chủ,2022,16816,có lẽ\n"
    )
    with pytest.raises(RecordRefused) as caught:
        read_past_decisions(name="x.csv", data=text.encode(), province=province)
    lines = dict(caught.value.problems)
    assert set(lines) == {3, 4}
    assert "không rõ đơn vị ban hành" in lines[3].lower() or "999" in lines[3]
    assert "số" in lines[4].lower() and "ngày" in lines[4].lower()


@time_machine.travel(TODAY, tick=False)
def test_a_dossier_past_draft_is_refused_with_its_name(province, recorder, people):
    from tests.factories import DossierFactory

    commune = Commune.objects.get(code="16816", district__isnull=False)
    sent = DossierFactory(commune=commune, year=2022, state="submitted")
    with pytest.raises(RecordRefused) as caught:
        past_decision_record(actor=recorder, decision=ky_son_decision(("16816", "recognised", "")))
    assert str(sent) in caught.value.problems[0][1]
    assert not RecordedDecision.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_recorded_number_is_never_given_again_and_a_clerk_typing_it_is_refused(province, recorder):
    from communes.services import RegisterError, register_next, register_take

    recorded = past_decision_record(actor=recorder, decision=ky_son_decision(("16816", "recognised", "")))
    body = recorded.decisions.first()
    assert body.number == 12 and body.recorded == recorded
    from django.db import transaction

    from communes.models import IssuingBody

    issuing = IssuingBody.objects.get(code=recorded.issuer_code)
    with transaction.atomic():
        assert register_next(body=issuing, series="decision", issued_on=datetime.date(2022, 12, 21)) == 13
    with pytest.raises(RegisterError, match="12"), transaction.atomic():
        register_take(body=issuing, series="decision", number=12, issued_on=datetime.date(2022, 12, 28))
    # Recording the same number again (another decision) is refused too.
    with pytest.raises(RecordRefused, match="13"):
        past_decision_record(actor=recorder, decision=ky_son_decision(("16819", "recognised", ""), number=13))


@time_machine.travel(TODAY, tick=False)
def test_a_recognition_on_record_is_later_revoked_by_a_recorded_decision(province, recorder):
    past_decision_record(actor=recorder, decision=ky_son_decision(("16816", "recognised", "")))
    revocation = ky_son_decision(
        ("16816", "revoked", "Phát hiện điểm bán lẻ ma túy ngày 02/3/2023"),
        number=4,
        day=datetime.date(2023, 3, 15),
    )
    past_decision_record(actor=recorder, decision=revocation)
    dossier = Dossier.objects.get(commune__code="16816", commune__district__isnull=False, year=2022)
    assert dossier.state == "revoked"
    assert dossier.recognition_decision.revocation.number_display == "04/QĐ-UBND"


@time_machine.travel(TODAY, tick=False)
def test_the_rules_of_a_recorded_decision(province, recorder):
    cases = {
        "a district body after it ceased": ky_son_decision(
            ("16816", "recognised", ""), day=datetime.date(2025, 8, 1), year=2024
        ),
        "a refusal without reasons": ky_son_decision(("16816", "not_recognised", "")),
        "a year not begun": ky_son_decision(("16816", "recognised", ""), day=datetime.date(2021, 12, 1)),
        "a commune of another district": ky_son_decision(("16741", "recognised", "")),
        "a later date than today": ky_son_decision(
            ("16816", "recognised", ""), day=datetime.date(2027, 1, 1)
        ),
    }
    for what, decision in cases.items():
        with pytest.raises(RecordRefused):
            past_decision_record(actor=recorder, decision=decision)
        assert not RecordedDecision.objects.exists(), what


def test_only_the_provincial_clerk_or_an_administrator_records(province, people):
    from django.core.exceptions import PermissionDenied

    for official in (people.chair, people.clerk, people.provincial_police, people.viewer):
        with pytest.raises(PermissionDenied):
            past_decision_record(actor=official, decision=ky_son_decision(("16816", "recognised", "")))


@time_machine.travel(TODAY, tick=False)
def test_a_revocation_is_recorded_on_a_recognition_the_nightly_expiry_has_closed(province, recorder):
    from recognition.services import recognitions_expire

    past_decision_record(actor=recorder, decision=ky_son_decision(("16816", "recognised", "")))
    assert recognitions_expire() >= 1
    dossier = Dossier.objects.get(commune__code="16816", commune__district__isnull=False, year=2022)
    assert Dossier.objects.get(pk=dossier.pk).state == "expired"
    past_decision_record(
        actor=recorder,
        decision=ky_son_decision(
            ("16816", "revoked", "Vụ việc ngày 02/3/2023"), number=4, day=datetime.date(2023, 3, 15)
        ),
    )
    assert Dossier.objects.get(pk=dossier.pk).state == "revoked"
