"""A provincial viewer opens the dashboard, changes the year and downloads the CSV, in Chromium."""

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provincial_viewer_changes_the_year_and_downloads_the_csv(
    live_server, page, sign_in, screenshot, people
):
    call_command("seed_demo", "--communes", "27", "--years", "2", stdout=io.StringIO())
    sign_in("viewer")
    page.click("nav >> text=Bảng theo dõi")
    page.wait_for_selector("h1:has-text('Tiến độ năm 2024')")
    screenshot("10-dashboard-2024")
    assert "/27" in page.locator(".tile-value").first.inner_text()

    page.select_option("#id_year", "2023")
    page.click("button:has-text('Xem')")
    page.wait_for_selector("h1:has-text('Tiến độ năm 2023')")
    screenshot("11-dashboard-2023")

    with page.expect_download() as download:
        page.click("text=Tải CSV >> nth=0")
    path = download.value.path()
    content = open(path, "rb").read()
    assert download.value.suggested_filename == "tien-do-theo-huyen-2023.csv"
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã huyện,Đơn vị cấp huyện")
    assert "Huyện Kỳ Sơn" in text
