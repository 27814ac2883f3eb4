"""Officials set their own password: the first one after `import_officials`, or a forgotten one,
through a one-time link e-mailed to them on SITE_URL, in Vietnamese. The pages say nothing of whether
an address has an account, and are limited per client and per address."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import User
from tests.communes.test_officials import HEADER

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nghe-An-moi-2026"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    mail.outbox.clear()


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    return link


def ask(client, email, address="203.0.113.9"):
    return client.post(
        "/accounts/password/reset/", {"email": email}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address
    )


def signs_in(client, username, password) -> bool:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    signed_in = response.status_code == 302
    client.logout()
    return signed_in


def choose(client, link, password=NEW_PASSWORD):
    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    form = client.get(path, follow=True)
    return form, client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
    )


def test_the_reset_end_to_end_and_the_link_works_once(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page  # linked from the sign-in page
    response = ask(client, "XA@example.vn")  # the case of the address does not matter
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["xa@example.vn"]
    assert message.subject == "Đặt lại mật khẩu ứng dụng xét công nhận xã không ma túy"
    assert "dùng được một lần, trong vòng 72 giờ" in message.body
    assert f"Tên đăng nhập: {people.officer.username}" in message.body
    link = link_in(message)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/accounts/password/reset/")

    form, saved = choose(client, link)
    assert "Chọn mật khẩu" in form.content.decode()
    assert saved.status_code == 302 and saved["Location"] == "/accounts/password/reset/saved/"
    assert signs_in(client, people.officer.username, NEW_PASSWORD)

    again, _ = choose(client, link, "Mot-mat-khau-khac-2026")
    assert "Không dùng được đường dẫn này" in again.content.decode()
    assert signs_in(client, people.officer.username, NEW_PASSWORD)


def test_the_page_says_nothing_of_whether_an_address_has_an_account(client, people):
    known, unknown = ask(client, "xa@example.vn"), ask(client, "khong-co@example.vn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_requests_over_the_limit_are_refused_per_address_and_per_client(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS = 3
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT = 5
    answers = [ask(client, "xa@example.vn", f"198.51.100.{n}").status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]  # one address, from four clients
    assert len(mail.outbox) == 3
    refused = ask(client, "xa@example.vn", "198.51.100.9")
    assert "Có quá nhiều yêu cầu" in refused.content.decode()
    assert 'value="xa@example.vn"' in refused.content.decode()  # what was typed is kept

    # One client (behind the proxy: the address it forwarded), many addresses.
    answers = [ask(client, f"nguoi{n}@example.vn", "203.0.113.50").status_code for n in range(6)]
    assert answers == [302] * 5 + [429]
    assert ask(client, "nguoi9@example.vn", "203.0.113.51").status_code == 302  # another office


def test_import_officials_sends_the_first_links_and_lists_those_without_an_address(people, tmp_path, client):
    path = tmp_path / "can_bo.csv"
    path.write_text(
        HEADER
        + "ca.myly9,Lương Văn Hùng,hung@example.vn,commune_police,16816,Trưởng Công an xã\n"
        + "ct.myly9,Vi Thị Lan,,commune_chair,16816,Chủ tịch UBND xã\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_officials", str(path), "--send-links", stdout=out)
    told = out.getvalue()
    assert "first-password links: 1 sent" in told
    assert "line 3: ct.myly9 has no e-mail address: set the first password in the admin" in told
    (message,) = mail.outbox
    assert message.to == ["hung@example.vn"]
    assert message.subject == "Đặt mật khẩu ứng dụng xét công nhận xã không ma túy"
    hung = User.objects.get(username="ca.myly9")
    assert not hung.has_usable_password()
    _, saved = choose(client, link_in(message))
    assert saved.status_code == 302
    assert signs_in(client, "ca.myly9", NEW_PASSWORD)

    # A forgotten-password request also reaches an account that has no password yet.
    mail.outbox.clear()
    User.objects.filter(username="ca.myly9").update(password="!unusable")
    assert ask(client, "hung@example.vn").status_code == 302 and len(mail.outbox) == 1
