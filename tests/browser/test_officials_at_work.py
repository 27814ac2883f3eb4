"""Officials at work, in Debian's Chromium: the guard rails (a confirmation before each irreversible
step, reasons for a decision against the police), a return read and answered from the notification, a
session that expires during a save with nothing lost, files checked before they upload, the idle
warning, a bulk decision over five dossiers, and the revoked dossier's page."""

import datetime

import pytest
from django.contrib.sessions.models import Session

from assessments.models import Answer, Dossier
from communes.models import Commune
from recognition.models import RecognitionDecision
from tests import workflow
from tests.factories import DossierFactory, small_criteria_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Thiếu biên bản họp dân tháng 9; số người nghiện chưa khớp sổ theo dõi."


def confirm(page):
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    page.click("button[name=confirmed]")


@pytest.mark.district_clock
def test_a_decision_against_the_police_needs_reasons_and_is_marked(
    live_server, page, sign_in, screenshot, people
):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        recommendation="not_recognise",
    )
    sign_in("chair")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/decision/")
    page.check("text=Công nhận xã")
    page.fill("#id_decided_on", "2024-10-08")
    page.click("text=Ghi nhận quyết định")
    page.wait_for_selector("text=Công an đề nghị không công nhận: nêu lý do vẫn công nhận xã.")
    assert page.is_checked("text=Công nhận xã")  # what was chosen is kept
    page.fill("#id_reasons", "Đã xác minh lại: vụ việc xảy ra ngoài địa bàn xã.")
    page.click("text=Ghi nhận quyết định")
    page.wait_for_selector("text=Quyết định này khác với đề nghị của công an")
    screenshot("guard-01-decision-against-the-police-confirmation")
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"  # nothing until confirmed
    confirm(page)
    page.wait_for_selector(".badge:has-text('Khác với đề nghị của công an')")
    assert RecognitionDecision.objects.get(dossier=dossier).against_recommendation
    screenshot("guard-02-decision-marked")


@pytest.mark.district_clock
def test_the_revocation_is_confirmed_and_the_page_tells_the_standing(
    live_server, page, sign_in, screenshot, people, django_capture_on_commit_callbacks
):
    from recognition.services import decision_record

    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer), people.police
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 10, 8)
        )
    sign_in("chair")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.click("text=Thu hồi công nhận")
    page.fill("#id_incident_date", "2025-01-05")
    page.fill("#id_incident_description", "Bắt quả tang đối tượng tàng trữ trái phép chất ma túy")
    page.fill("#id_reason", "Phát sinh tội phạm ma túy trên địa bàn.")
    page.fill("#id_decided_on", "2025-01-10")
    page.click("button:has-text('Thu hồi')")
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    assert page.locator(f"text={decision.number_display}").first.is_visible()
    screenshot("guard-03-revocation-confirmation")
    # Going back keeps what was typed.
    page.click("button[name=back]")
    assert page.input_value("#id_reason") == "Phát sinh tội phạm ma túy trên địa bàn."
    page.click("button:has-text('Thu hồi')")
    confirm(page)
    page.wait_for_selector("text=Bị thu hồi theo Quyết định số")
    body = page.inner_text("main")
    assert "Bắt quả tang đối tượng tàng trữ trái phép chất ma túy" in body and "Hiệu lực đến" not in body
    screenshot("guard-04-revoked-dossier-page")
    assert Dossier.objects.get(pk=dossier.pk).state == "revoked"


@pytest.mark.district_clock
def test_a_return_is_read_and_answered_from_the_notification(live_server, page, sign_in, screenshot, people):
    from assessments import services

    dossier = workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer)
    services.dossier_return_to_commune(dossier=dossier, actor=people.police, reason=REASON)
    c1, _c2, c3 = dossier.applicable_criteria()
    sign_in("officer")
    page.click(".bell")
    page.wait_for_selector(f"text={REASON}")
    screenshot("return-01-notification-with-the-reason")
    page.click("main a:has-text('Mỹ Lý')")
    assert REASON in page.inner_text(".notice-return")
    page.click("text=Điền tự đánh giá")
    assert REASON in page.inner_text(".notice-return")  # on the form being corrected
    page.fill(f"#id_value_{c3.pk}", "15")
    page.fill(f"#id_explanation_{c3.pk}", "Đã đối chiếu sổ theo dõi")
    screenshot("return-02-form-with-the-reason")
    page.click("text=Lưu và gửi")
    confirm(page)
    page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
    sign_in("police")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    changes = page.inner_text("section:has(#changes-title)")
    assert "Đã đối chiếu sổ theo dõi" in changes and c3.code in changes and "Đã rà soát" in changes
    screenshot("return-03-police-see-what-changed")


@pytest.mark.district_clock
def test_a_session_that_expires_during_a_save_loses_nothing(live_server, page, sign_in, screenshot, people):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    c1, c2, c3 = dossier.applicable_criteria()
    sign_in("officer")
    url = f"{live_server.url}/dossiers/{dossier.pk}/self-assessment/"
    page.goto(url)
    page.fill(f"#id_value_{c1.pk}", "0")
    page.check(f"#id_value_{c2.pk}_0")
    page.fill(f"#id_value_{c3.pk}", "12")
    page.fill(f"#id_explanation_{c3.pk}", "Họp dân 12 buổi trong năm")
    Session.objects.all().delete()  # the idle timeout passed while the official typed
    page.click("text=Lưu nháp")
    page.wait_for_url("**/accounts/login/**")
    assert "được giữ trong trình duyệt này" in page.inner_text("main")
    screenshot("expiry-01-sign-in-says-what-is-kept")
    assert not Answer.objects.filter(dossier=dossier).exists()  # nothing unauthenticated was stored
    page.fill("#id_username", "officer")
    page.fill("#id_password", "pw-for-tests-2022")
    page.click("button.primary")
    page.wait_for_url(url)
    assert page.input_value(f"#id_value_{c3.pk}") == "12"
    assert page.input_value(f"#id_explanation_{c3.pk}") == "Họp dân 12 buổi trong năm"
    assert page.is_checked(f"#id_value_{c2.pk}_0")
    assert "Các tệp phải chọn lại" in page.inner_text(".notice-return")
    screenshot("expiry-02-form-restored")
    page.click("text=Lưu nháp")
    page.wait_for_selector("text=Đã lưu bản nháp")
    assert Answer.objects.get(dossier=dossier, criterion=c3).value_number == 12


@pytest.mark.district_clock
def test_files_are_checked_before_they_upload_and_several_go_at_once(
    live_server, page, sign_in, people, tmp_path
):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    c1 = dossier.applicable_criteria()[0]
    sign_in("officer")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/self-assessment/")
    big = tmp_path / "Biên bản lớn.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    uploads = []
    page.on("request", lambda r: r.method == "POST" and uploads.append(r.url))
    page.set_input_files(f"#id_evidence_{c1.pk}", str(big))
    page.wait_for_selector("text=lớn hơn 10 MB: tệp không được đính kèm.")
    assert page.evaluate(f"document.getElementById('id_evidence_{c1.pk}').files.length") == 0
    assert uploads == []  # refused in the browser: nothing sent
    from tests.factories import PDF_BYTES

    first, second = tmp_path / "Báo cáo 1.pdf", tmp_path / "Báo cáo 2.pdf"
    first.write_bytes(PDF_BYTES)
    second.write_bytes(PDF_BYTES)
    page.set_input_files(f"#id_evidence_{c1.pk}", [str(first), str(second)])
    page.click("text=Lưu nháp")
    page.wait_for_selector("text=Đã lưu bản nháp")
    assert sorted(dossier.evidence.values_list("original_name", flat=True)) == [
        "Báo cáo 1.pdf",
        "Báo cáo 2.pdf",
    ]


def test_the_idle_warning_keeps_the_session(live_server, page, sign_in, people):
    sign_in("officer")
    page.evaluate("window.nghean.showIdleWarning()")
    page.wait_for_selector("#idle-warning")
    with page.expect_response("**/accounts/keepalive/") as response:
        page.click("#idle-warning button")
    assert response.value.status == 200
    page.wait_for_selector("#idle-warning", state="detached")
    # Too late: the session has gone; the page says so instead of pretending.
    Session.objects.all().delete()
    page.evaluate("window.nghean.showIdleWarning()")
    page.click("#idle-warning button")
    page.wait_for_selector("text=Phiên làm việc đã hết hạn. Hãy đăng nhập lại")


@pytest.mark.district_clock
def test_a_chair_decides_five_dossiers_at_once(
    live_server, page, sign_in, screenshot, people, django_capture_on_commit_callbacks
):
    criteria_set = small_criteria_set()
    dossiers = []
    for code in ("16816", "16819", "16822", "16825", "16834"):
        commune = Commune.objects.get(code=code, district__code="417")
        dossier = workflow.submit(
            DossierFactory(commune=commune, year=2024, criteria_set=criteria_set), people.admin
        )
        dossiers.append(workflow.appraise(dossier, people.police))
    sign_in("chair")
    page.click("text=Quyết định nhiều hồ sơ (5)")
    page.fill("#id_decided_on", "2024-10-20")
    screenshot("bulk-01-decide-five")
    page.click("text=Ghi các quyết định")
    page.wait_for_selector("text=Xác nhận 5 quyết định")
    screenshot("bulk-02-one-confirmation")
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Đã ghi 5 quyết định")
    numbers = sorted(RecognitionDecision.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list("state", flat=True)) == {
        "recognised"
    }
