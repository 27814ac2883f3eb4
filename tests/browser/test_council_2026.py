"""The 2026 cycle in Debian's Chromium, from the review council to the chairman's decision: the
provincial police set up the council and schedule a session on the appraised communes, a member reads
the agenda, the secretary records attendance and votes and closes the session (one commune is not
recommended on a tie), the vice-chairman issues one decision with its annex, the provincial clerk
numbers it, the provincial police report to the Ministry, the Ministry's viewer reads the country. A screenshot of each page goes to test-artefacts/screenshots/2026-council-*.png."""

import pytest

from assessments.models import Dossier
from communes.models import Role
from recognition.models import CollectiveDecision, Document
from tests import workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_council_votes_and_the_chairman_recognises_in_one_decision(
    live_server, page, sign_in, screenshot, province_people, official, monkeypatch
):
    p = province_people
    health = official(Role.COUNCIL_MEMBER, p.province, username="soyte", full_name="Lê Thị Y Tế")
    official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_tinh", full_name="Cao Thị Sổ")
    for user, name in ((p.provincial_vice_chair, "Đặng Văn Phó"), (p.provincial_police, "Nguyễn Văn Tỉnh")):
        user.full_name = name
        user.save(update_fields=["full_name"])
    p.council_secretary.full_name = "Hồ Thị Thư"
    p.council_secretary.save(update_fields=["full_name"])
    dossiers = workflow.province_appraised(
        p,
        [
            (p.new_my_ly, p.commune_police, p.commune_chair),
            (p.bac_ly, p.bac_ly_police, p.bac_ly_chair),
            (p.tam_quang, p.tam_quang_police, p.tam_quang_chair),
        ],
    )
    held = []
    monkeypatch.setattr(
        "recognition.services.documents.documents_enqueue", lambda document_ids: held.extend(document_ids)
    )
    base = live_server.url

    # 1. The provincial police (the council's standing body) set up the council and schedule a session.
    sign_in("pc04")
    page.click("nav >> text=Hội đồng xét duyệt")
    page.click("text=Thành lập Hội đồng")
    seats = [
        ("Đặng Văn Phó", "chair", "Phó Chủ tịch UBND tỉnh"),
        ("Nguyễn Văn Tỉnh", "vice_chair", "Giám đốc Công an tỉnh"),
        ("Lê Thị Y Tế", "member", "Giám đốc Sở Y tế"),
        ("Hồ Thị Thư", "secretary", "Trưởng phòng PC04, Công an tỉnh"),
    ]
    for i, (name, seat, position) in enumerate(seats):
        page.select_option(f"#id_seat_{i}_user", label=name)
        page.select_option(f"#id_seat_{i}_seat", seat)
        page.fill(f"#id_seat_{i}_position", position)
    screenshot("2026-council-01-seats")
    page.click("text=Lưu thành phần Hội đồng")
    page.wait_for_selector("text=Đã lưu thành phần Hội đồng.")
    page.fill("#id_held_on", "2026-11-20")
    page.fill("#id_starts_at", "08:00")
    page.fill("#id_place", "Phòng họp số 1, Ủy ban nhân dân tỉnh")
    for checkbox in page.locator("input[name=dossiers]").all():
        checkbox.check()
    screenshot("2026-council-02-schedule")
    page.click("button:has-text('Triệu tập phiên họp')")
    page.wait_for_selector("text=Đã triệu tập phiên họp")
    session_url = page.url

    # 2. A member is told of the session (the bell), and reads the agenda; nothing to change there.
    sign_in("soyte")
    page.click("a.bell")
    page.wait_for_selector("text=Triệu tập Hội đồng: phiên họp ngày 20/11/2026, lúc 08:00")
    assert page.locator("text=Phòng họp số 1, Ủy ban nhân dân tỉnh").count() == 1
    screenshot("2026-council-02b-member-told")
    page.click("text=Triệu tập Hội đồng: phiên họp ngày 20/11/2026, lúc 08:00")
    assert page.url == session_url
    assert (
        page.locator("text=Xã Bắc Lý").count() == 1 and page.locator("text=Kết thúc phiên họp").count() == 0
    )
    screenshot("2026-council-03-agenda-read-by-a-member")

    # 3. The secretary records attendance and votes, then closes the session.
    sign_in("thuky")
    page.goto(session_url)
    for label in ("Đặng Văn Phó", "Nguyễn Văn Tỉnh", "Lê Thị Y Tế"):
        page.check(f"label:has-text('{label}') input")
    items = {d.commune.name: d for d in dossiers}
    from council.models import AgendaItem, CouncilMember

    members = {m.user.full_name: m for m in CouncilMember.objects.select_related("user")}
    plan = {
        "Xã Mỹ Lý": ("for", "for", "for"),
        "Xã Bắc Lý": ("for", "against", "abstain"),  # one of three for: not recommended
        "Xã Tam Quang": ("for", "for", "abstain"),
    }
    for commune, choices in plan.items():
        item = AgendaItem.objects.get(dossier=items[commune])
        for voter, choice in zip(("Đặng Văn Phó", "Nguyễn Văn Tỉnh", "Lê Thị Y Tế"), choices, strict=True):
            page.select_option(f"#id_vote_{item.pk}_{members[voter].pk}", choice)
    page.fill(
        f"#id_reason_{AgendaItem.objects.get(dossier=items['Xã Bắc Lý']).pk}",
        "Còn 02 điểm phức tạp chưa xử lý",
    )
    page.fill("#id_ends_at", "10:15")
    page.fill("#id_conclusion", "Hội đồng thống nhất kết quả biểu quyết")
    screenshot("2026-council-04-votes")
    # Saved as a draft, and read again: the reason, the end time and the conclusion are kept.
    page.click("button:has-text('Lưu điểm danh và biểu quyết')")
    page.wait_for_selector("text=Đã lưu điểm danh và kết quả biểu quyết.")
    page.reload()
    reason_field = f"#id_reason_{AgendaItem.objects.get(dossier=items['Xã Bắc Lý']).pk}"
    assert page.input_value(reason_field) == "Còn 02 điểm phức tạp chưa xử lý"
    assert page.input_value("#id_ends_at") == "10:15"
    assert page.input_value("#id_conclusion") == "Hội đồng thống nhất kết quả biểu quyết"
    page.click("text=Kết thúc phiên họp và kiểm phiếu")
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    screenshot("2026-council-04b-votes-confirmation")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Phiên họp đã kết thúc")
    screenshot("2026-council-05-session-closed")
    states = dict(
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list("commune__name", "state")
    )
    assert states == {
        "Xã Mỹ Lý": "recommended",
        "Xã Bắc Lý": "not_recommended",
        "Xã Tam Quang": "recommended",
    }

    # 4. The vice-chairman issues one decision with its annex; the clerk numbers it.
    sign_in("pct_tinh")
    page.goto(f"{base}/council/2026/decision/")
    page.fill("#id_decided_on", "2026-11-24")
    page.fill("#id_signer_title", "Phó Chủ tịch UBND tỉnh")
    screenshot("2026-council-06-decision-form")
    page.click("text=Ban hành quyết định")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Đã ký duyệt quyết định")
    sign_in("vanthu_tinh")
    page.click("nav >> text=Sổ văn bản")
    page.click("text=Vào sổ, cấp số")
    page.fill("#id_number", "215")
    page.fill("#id_issued_on", "2026-11-25")
    screenshot("2026-council-07-clerk-numbers")
    page.click("button:has-text('Vào sổ, cấp số')")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Đã vào sổ số 215/QĐ-UBND")
    from recognition.tasks import render_document

    # What the PDF worker does; the draft's task finds it replaced by the issued document ("gone").
    outcomes = [render_document.apply(args=[held.pop(0)]).get() for _ in list(held)]
    assert outcomes.count("gone") == 1 and outcomes.count("ready") >= 2, outcomes
    page.wait_for_selector("a:has-text('Quyết định công nhận 215-QĐ-UBND')", timeout=20000)
    screenshot("2026-council-08-decision-issued")
    collective = CollectiveDecision.objects.get()
    assert collective.number_display == "215/QĐ-UBND" and collective.decisions.count() == 2
    assert Document.objects.get(collective=collective, draft=False).status == "ready"
    assert health  # a member who read the agenda

    # 5. The provincial police prepare the report to the Ministry and record the day it is sent.
    sign_in("pc04")
    page.goto(f"{base}/council/2026/report/")
    page.fill("#id_issued_on", "2026-11-26")
    page.click("button:has-text('Lập báo cáo')")
    # It takes a number in the register: the confirmation page first, reached by a redirect.
    page.wait_for_selector("text=Báo cáo đã lập trong năm")
    assert "?pending=" in page.url
    page.click("button:has-text('Xác nhận: lập báo cáo')")
    page.wait_for_selector("text=Báo cáo đang được chuẩn bị.")
    while held:
        render_document.apply(args=[held.pop(0)]).get()
    page.wait_for_selector("a:has-text('XLSX')", timeout=20000)
    page.click("button:has-text('Ghi nhận')")
    page.wait_for_selector("text=Đã ghi nhận ngày gửi báo cáo.")
    screenshot("2026-council-09-report")
    report = Document.objects.get(kind="ministry_report")
    assert report.status == "ready" and report.sent_on is not None
    assert sorted(report.figures["recognised"]) == ["Xã Mỹ Lý", "Xã Tam Quang"]

    # 6. The Ministry's viewer reads the country, then the province's cycle.
    sign_in("bocongan")
    page.click("nav >> text=Toàn quốc")
    screenshot("2026-council-10-every-province")
    page.click(f"text={p.province.name}")
    page.wait_for_selector("text=Tiến độ so với chỉ tiêu")
    assert page.locator("text=Được Hội đồng đề nghị công nhận").count() >= 1
    screenshot("2026-council-11-province-cycle")
