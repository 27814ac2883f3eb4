"""The whole procedure in Debian's Chromium: the commune fills and submits with one evidence file,
the district police appraise, the chair approves the recognition, the clerk of the district's
People's Committee enters its number from the office's register. A screenshot of each page goes to
test-artefacts/screenshots/."""

import pytest

from assessments.models import Dossier
from tests.factories import PDF_BYTES, DossierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.district_clock
def test_commune_police_and_chair_take_a_dossier_to_recognition(
    live_server, page, sign_in, screenshot, clerk_mode, tmp_path, monkeypatch
):
    people = clerk_mode
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    c1, c2, c3 = dossier.applicable_criteria()
    evidence = tmp_path / "Báo cáo tình hình ma túy.pdf"
    evidence.write_bytes(PDF_BYTES)
    base = live_server.url

    # 1. The commune officer fills the self-assessment and submits it with one evidence file.
    sign_in("officer")
    screenshot("01-inbox-commune-officer")
    page.click(f"#awaiting-title ~ table a:has-text('{people.my_ly.name}')")
    page.click("text=Điền tự đánh giá")
    page.fill(f"#id_value_{c1.pk}", "0")
    page.check(f"#id_value_{c2.pk}_0")
    page.fill(f"#id_value_{c3.pk}", "12")
    page.fill(f"#id_explanation_{c1.pk}", "Đã rà soát, không còn đối tượng")
    page.set_input_files(f"#id_evidence_{c1.pk}", str(evidence))
    screenshot("02-self-assessment-filled")
    page.click("text=Lưu và gửi")
    # The answers are saved; submitting is asked again: what is locked, who is told.
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    assert page.locator(f"text={people.police.get_full_name()} (Huyện Kỳ Sơn)").is_visible()
    screenshot("02b-submit-confirmation")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
    screenshot("03-dossier-submitted")
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"

    # 2. The district police start and complete the appraisal.
    sign_in("police")
    assert page.locator(".bell-count").inner_text() == "1"
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    page.click("text=Bắt đầu thẩm định")
    page.click("button[name=confirmed]")
    page.wait_for_url(f"{base}/dossiers/{dossier.pk}/appraisal/")
    page.fill("#id_inspection_date", "2024-10-02")
    page.fill("#id_place", "Hội trường Ủy ban nhân dân xã")
    page.fill("#id_started_at", "08:00")
    page.fill("#id_ended_at", "11:30")
    for i, (duty, name, agency) in enumerate(
        [
            ("leader", "Vi Văn Công", "district_police"),
            ("member", "Lô Văn Biên", "border_guard"),
            ("secretary", "Hà Thị Thư", "district_police"),
            ("commune", "Lô Văn Xã", "commune"),
        ]
    ):
        page.select_option(f"#id_member_{i}_duty", duty)
        page.fill(f"#id_member_{i}_name", name)
        page.select_option(f"#id_member_{i}_agency", agency)
    for criterion in (c1, c2, c3):
        page.check(f"#id_finding_{criterion.pk}_0")  # "Đạt"
    page.select_option("#id_recommendation", "recognise")
    page.fill("#id_conclusion", "Xã đạt các tiêu chí sạch về ma túy.")
    page.fill("#id_proposal_date", "2024-10-04")
    screenshot("04-appraisal-filled")
    page.click("text=Lưu và hoàn thành thẩm định")
    page.wait_for_selector("text=Các văn bản thẩm định được lấy số")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
    screenshot("05-dossier-appraised")
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"

    # 3. The district chair recognises the commune. The PDFs are held back from the workers until
    #    the page has shown them pending; then a worker's work is done and the page updates itself.
    held = []
    monkeypatch.setattr(
        "recognition.services.documents.documents_enqueue", lambda document_ids: held.extend(document_ids)
    )
    sign_in("chair")
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    page.click("text=Quyết định")
    page.check("text=Công nhận xã")
    page.fill("#id_decided_on", "2024-10-08")
    page.fill("#id_signer_title", "Chủ tịch UBND huyện Kỳ Sơn")
    screenshot("06-decision-form")
    page.click("text=Ghi nhận quyết định")
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    screenshot("06b-decision-confirmation")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Đã ký duyệt quyết định")
    # The decision and its dispatch; the police's minutes and Tờ trình were rendered at the appraisal.
    assert page.locator("#documents tr[data-status=pending]").count() == 2
    screenshot("07-documents-pending")
    page.evaluate("window.__notReloaded = true")

    from recognition.services import document_render

    def worker():  # what the PDF worker does
        while held:
            document_render(document_id=held.pop(0))

    worker()
    page.wait_for_selector("#documents a:has-text('Dự thảo quyết định công nhận')", timeout=20000)
    assert page.evaluate("window.__notReloaded") is True  # the link came without a page reload
    screenshot("08-dossier-approved-drafts-ready")

    # 4. The clerk enters the number the office's register gave it; a used number is refused first.
    sign_in("clerk")
    page.click("nav >> text=Sổ văn bản")
    screenshot("09-register")
    page.click("text=Vào sổ, cấp số")
    page.fill("#id_number", "0")
    page.fill("#id_issued_on", "2024-10-09")
    page.fill("#id_dispatch_number", "112")
    page.click("button:has-text('Vào sổ, cấp số')")
    assert page.locator("#id_dispatch_number").input_value() == "112"  # what was typed is kept
    page.fill("#id_number", "37")
    screenshot("10-clerk-enters-the-number")
    page.click("button:has-text('Vào sổ, cấp số')")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Đã vào sổ số 37/QĐ-UBND")
    worker()
    page.wait_for_selector("#documents a:has-text('Quyết định công nhận 37-QĐ-UBND')", timeout=20000)
    screenshot("11-dossier-recognised-documents-issued")
    assert page.locator("text=Dự thảo quyết định").count() == 0
    with page.expect_download() as download:
        page.click("#documents a:has-text('Quyết định công nhận 37-QĐ-UBND')")
    assert download.value.suggested_filename == "Quyết định công nhận 37-QĐ-UBND - Xã Mỹ Lý - 2024.pdf"

    final = Dossier.objects.get(pk=dossier.pk)
    assert final.state == "recognised"
    assert final.recognition_decision.signer == people.chair
    assert list(final.events.values_list("transition", flat=True)) == [
        "submit",
        "start_appraisal",
        "complete_appraisal",
        "recognise",
    ]
    assert page.locator("text=Được công nhận").first.is_visible()
