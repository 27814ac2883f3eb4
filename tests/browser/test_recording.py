"""A decision issued outside the application, recorded by hand in Chromium by the provincial clerk with
its scan: a refusal first (a date after the district ceased) keeps what was typed and the file chosen,
then the confirmation, the recorded decision with its scan's SHA-256, and /verify/ listing it as
recorded."""

import pytest

from communes.models import Commune, District, Province
from recognition.models import RecordedDecision
from tests.esign.test_scans import scan
from tests.records.world import district_criteria
from tests.world import make_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_records_a_district_decision_with_its_scan(live_server, page, screenshot, sign_in, people):
    district_criteria()
    province = Province.objects.get(code="40")
    make_official(
        "provincial_clerk", province, username="vanthu_tinh", first_name="Văn Thư", last_name="Trần"
    )
    ky_son = District.objects.get(code="417")
    my_ly = Commune.objects.get(code="16816", district=ky_son)

    sign_in("vanthu_tinh")
    page.goto(f"{live_server.url}/records/")
    page.click("a[href='/records/new/']")
    page.select_option("#id_unit", f"district:{ky_son.pk}")
    page.fill("#id_number", "12")
    page.fill("#id_decided_on", "2025-08-01")  # after Kỳ Sơn ceased: refused
    page.fill("#id_signer_name", "Lô Văn Chủ")
    page.fill("#id_signer_title", "Chủ tịch UBND huyện")
    page.select_option("#id_commune_0", str(my_ly.pk))
    page.fill("#id_year_0", "2022")
    page.select_option("#id_outcome_0", "recognised")
    page.set_input_files(
        "#id_attachment",
        files=[{"name": "qd-12-ky-son.pdf", "mimeType": "application/pdf", "buffer": scan()}],
    )
    page.click("#record-form button[type=submit]:not([name=more])")
    assert "không còn tồn tại vào ngày 01/08/2025" in page.inner_text("#record-form")
    # What was typed and the file chosen are kept.
    assert page.input_value("#id_signer_name") == "Lô Văn Chủ"
    assert "qd-12-ky-son.pdf" in page.inner_text("[data-kept-file]")
    screenshot("recording-01-a-refusal-keeps-the-form-and-the-file")

    page.fill("#id_decided_on", "2022-12-20")
    page.click("#record-form button[type=submit]:not([name=more])")
    page.wait_for_selector(".confirm-form")
    assert "qd-12-ky-son.pdf" in page.inner_text("main")
    screenshot("recording-02-the-confirmation")
    page.click(".confirm-form button[name=confirmed]")
    page.wait_for_selector("[data-outcomes]")
    recorded = RecordedDecision.objects.get()
    assert recorded.attachment_kind == "scan"
    assert recorded.attachment_sha256 in page.inner_text("[data-sha256]")
    assert "Xã Mỹ Lý" in page.inner_text("[data-outcomes]")
    screenshot("recording-03-the-recorded-decision")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/{recorded.verification_code}/")
    assert "đã ghi nhận" in page.inner_text("main")
    assert recorded.attachment_sha256 in page.inner_text("#issued-sha256")
    screenshot("recording-04-verify-lists-it-as-recorded")
