"""An official imported by `import_officials --send-links` sets a first password in Debian's Chromium
through the e-mailed link, and signs in."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from tests.communes.test_officials import HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_imported_official_sets_a_first_password_from_the_e_mail_and_signs_in(
    live_server, page, people, tmp_path, screenshot
):
    path = tmp_path / "can_bo.csv"
    path.write_text(
        HEADER + "ca.myly9,Lương Văn Hùng,hung@example.vn,commune_police,16816,Trưởng Công an xã\n",
        encoding="utf-8",
    )
    mail.outbox.clear()
    call_command("import_officials", str(path), "--send-links", stdout=io.StringIO())
    (message,) = mail.outbox
    (link,) = re.findall(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    # The link is on SITE_URL; the test's server listens elsewhere.
    page.goto(link.replace(settings.SITE_URL.rstrip("/"), live_server.url))
    page.wait_for_selector("text=Chọn mật khẩu")
    screenshot("first-password-01-choose")
    page.fill("#id_new_password1", "Nghe-An-moi-2026")
    page.fill("#id_new_password2", "Nghe-An-moi-2026")
    page.click("button.primary")
    page.wait_for_selector("text=Mật khẩu đã được lưu")
    page.click("text=Đăng nhập >> nth=-1")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "ca.myly9")
    page.fill("#id_password", "Nghe-An-moi-2026")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    assert "Lương Văn Hùng" in page.inner_text("header")
    screenshot("first-password-02-signed-in")
