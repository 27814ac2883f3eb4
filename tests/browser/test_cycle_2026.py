"""The 2026 cycle in Debian's Chromium, up to "appraised": the provincial police open the cycle and
assign three communes, a fourth registers itself, commune police fill the counts with evidence, the
commune chair submits, the provincial police return one with a reason and appraise the others. On a
clock set to March 2026 (the test passes in 2027 too); a screenshot of each page goes to
test-artefacts/screenshots/2026-cycle-*.png."""

import datetime

import pytest
import time_machine

from assessments import services
from assessments.models import Dossier, EvaluationCycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTS = {
    "population": "5200",
    "users_with_records": "2",
    "users_substitution": "1",
    "users_community_rehab": "1",
    "users_post_rehab": "0",
    "resident_violators": "0",
    "wanted_fugitives": "0",
    "harbouring_places": "0",
    "offenders_arrested": "0",
    "drug_plants": "0",
    "drug_plant_area": "0",
}


@pytest.fixture
def march_2026():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC), tick=True):
        yield


def test_the_2026_cycle_up_to_the_provincial_polices_appraisal(
    live_server, page, sign_in, screenshot, province_people, march_2026, tmp_path
):
    p = province_people
    keng_du = p.new_my_ly.__class__.objects.get(code="16822", valid_from="2025-07-01")
    from communes.models import Role
    from communes.services import post_create
    from tests.conftest import official as _  # noqa: F401 - the fixture is used through province_people
    from tests.factories import PDF_BYTES, UserFactory

    keng_du_chair = UserFactory(username="ct_kengdu")
    post_create(
        user=keng_du_chair, role=Role.COMMUNE_CHAIR, unit=keng_du, started_on=datetime.date(2025, 7, 1)
    )
    evidence = tmp_path / "Báo cáo rà soát của Công an xã.pdf"
    evidence.write_bytes(PDF_BYTES)
    base = live_server.url

    # 1. The provincial police open the 2026 cycle and assign three communes.
    sign_in("pc04")
    page.goto(f"{base}/dossiers/cycles/")
    page.fill("#id_year", "2026")
    page.fill("#id_target_percent", "30")
    page.fill("#id_plan_reference", "Kế hoạch số 107/KH-UBND ngày 12/02/2026 của UBND tỉnh")
    page.fill("#id_reports_due", "2026-12-05")
    page.fill("#id_ministry_report_due", "2026-12-19")
    for name in ("Xã Mỹ Lý", "Xã Bắc Lý", "Xã Tam Quang"):
        page.check(f"label.check:text-is('{name}') input")
    screenshot("2026-cycle-01-open-the-cycle")
    page.click("button:has-text('Mở đợt xét')")
    page.wait_for_selector("text=Đã mở đợt xét năm 2026: giao chỉ tiêu cho 3 xã")
    screenshot("2026-cycle-02-cycle-opened")
    cycle = EvaluationCycle.objects.get(year=2026)
    assert cycle.dossiers.count() == 3

    # 2. A fourth commune, Keng Đu, registers itself from its inbox.
    sign_in("ct_kengdu")
    screenshot("2026-cycle-03-inbox-of-a-commune-not-assigned")
    page.click("text=Đăng ký xã tham gia năm nay")
    page.wait_for_selector("text=Xã Keng Đu đã đăng ký xét năm 2026")
    screenshot("2026-cycle-04-registered")
    assert cycle.entries.get(commune=keng_du).how == "registered"

    # 3. Commune police fill the counts and attach the evidence; the chair signs and sends the report.
    for commune, police, chair, shot in (
        (p.new_my_ly, "ca_myly", "ct_myly", True),
        (p.bac_ly, "ca_bacly", "ct_bacly", False),
    ):
        dossier = Dossier.objects.get(commune=commune, year=2026)
        sign_in(police)
        page.goto(f"{base}/dossiers/{dossier.pk}/")
        page.click("text=Điền tự đánh giá")
        for name, value in COUNTS.items():
            page.fill(f"#id_counts-{name}", value)
        page.check("#id_counts-on_key_route_1")  # not on a key route
        page.fill("#id_counts-attested_by", "Thiếu tá Moong Văn An, Trưởng Công an xã")
        for criterion in dossier.applicable_criteria():
            page.set_input_files(f"#id_evidence_{criterion.pk}", str(evidence))
        if shot:
            screenshot("2026-cycle-05-counts-filled-by-commune-police")
        page.click("text=Lưu nháp")
        page.wait_for_selector("text=Đã lưu bản nháp")
        assert page.locator("[data-classification]").first.get_attribute("data-classification") == "III"
        if shot:
            screenshot("2026-cycle-06-counts-saved-classified")
        sign_in(chair)
        page.goto(f"{base}/dossiers/{dossier.pk}/")
        if shot:
            screenshot("2026-cycle-07-dossier-seen-by-the-commune-chair")
        page.click("text=Ký và gửi báo cáo của xã đến Công an tỉnh")
        page.click("button[name=confirmed]")
        page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
        if shot:
            screenshot("2026-cycle-08-report-sent")
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"

    # The other two communes send theirs the same way (through the services, to keep the test short).
    from tests.workflow import CLEAN, fill_counts

    for commune, police, chair in ((p.tam_quang, p.tam_quang_police, p.tam_quang_chair),):
        dossier = fill_counts(Dossier.objects.get(commune=commune, year=2026), police, CLEAN)
        services.dossier_submit(dossier=dossier, actor=chair)

    # 4. The provincial police return Bắc Lý with a reason ...
    sign_in("pc04")
    screenshot("2026-cycle-09-inbox-of-the-provincial-police")
    bac_ly = Dossier.objects.get(commune=p.bac_ly, year=2026)
    page.goto(f"{base}/dossiers/{bac_ly.pk}/")
    page.click("summary:has-text('Trả lại xã')")
    page.fill("#reason-return_to_commune", "Số người có hồ sơ quản lý chưa khớp dữ liệu của Công an tỉnh.")
    screenshot("2026-cycle-10-return-with-a-reason")
    page.click("details[open] button:has-text('Trả lại xã')")
    # The confirmation keeps the reason, editable, and says who is told.
    assert "chưa khớp dữ liệu" in page.input_value("#confirm-reason")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
    assert Dossier.objects.get(pk=bac_ly.pk).state == "returned"

    # ... and appraise Mỹ Lý and Tam Quang: counts cross-checked, a finding per criterion.
    for commune, shot in ((p.new_my_ly, True), (p.tam_quang, False)):
        dossier = Dossier.objects.get(commune=commune, year=2026)
        page.goto(f"{base}/dossiers/{dossier.pk}/")
        page.click("text=Bắt đầu thẩm định")
        page.click("button[name=confirmed]")
        page.wait_for_url(f"{base}/dossiers/{dossier.pk}/appraisal/")
        page.fill("#id_inspection_date", "2026-02-20")
        page.fill("#id_counts_checked_on", "2026-02-25")
        page.fill("#id_place", "Hội trường Ủy ban nhân dân xã")
        page.fill("#id_started_at", "08:00")
        page.fill("#id_ended_at", "10:45")
        for i, (duty, name, agency) in enumerate(
            [
                ("leader", "Nguyễn Văn Tỉnh", "provincial_police"),
                ("member", "Lô Văn Biên", "border_guard"),
                ("secretary", "Hồ Thị Thư", "provincial_police"),
                ("commune", "Lầu Bá Chủ", "commune"),
            ]
        ):
            page.select_option(f"#id_member_{i}_duty", duty)
            page.fill(f"#id_member_{i}_name", name)
            page.select_option(f"#id_member_{i}_agency", agency)
        for criterion in dossier.applicable_criteria():
            page.check(f"#id_finding_{criterion.pk}_0")
        page.select_option("#id_recommendation", "recognise")
        page.fill("#id_conclusion", "Đạt ba tiêu chí tại Điều 6 Quyết định số 28/2025/QĐ-TTg.")
        # No Tờ trình per dossier under Decision 28 (the standing body sends one per council session).
        assert page.locator("#id_proposal_date").count() == 0
        if shot:
            screenshot("2026-cycle-11-appraisal-by-the-provincial-police")
        page.click("text=Lưu và hoàn thành thẩm định")
        page.click("button[name=confirmed]")
        page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
        if shot:
            screenshot("2026-cycle-12-appraised")
        assert Dossier.objects.get(pk=dossier.pk).state == "appraised"

    page.goto(f"{base}/dossiers/cycles/{cycle.pk}/")
    screenshot("2026-cycle-13-the-cycle-after-the-appraisals")
    states = dict(cycle.dossiers.values_list("commune__name", "state"))
    assert states == {
        "Xã Mỹ Lý": "appraised",
        "Xã Tam Quang": "appraised",
        "Xã Bắc Lý": "returned",
        "Xã Keng Đu": "draft",
    }
