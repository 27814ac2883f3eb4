"""F9: what keep.js kept of a form stayed in the tab after the form was confirmed and after sign-out,
and could be put back into the next official's form on a shared office computer. It is now bound to
the signed-in official and the form's path, and dropped once the send reached the server."""

import time

import pytest
from django.contrib.sessions.models import Session

from communes.models import Role
from tests.factories import PDF_BYTES, DossierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Vụ tàng trữ trái phép chất ma túy tại bản Huồi Xui, đối tượng Vi Văn A."


def kept_keys(page) -> list[str]:
    return page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('nghean:kept:'))")


def keep_js_arrives_late(page) -> None:
    """keep.js is deferred: it sweeps on DOMContentLoaded, after the page's text is already there. CI
    once read the tab between the two; a late script makes that moment certain on every run."""

    def late(route):
        time.sleep(0.5)
        route.continue_()

    page.route("**/js/keep*.js", late)


@pytest.mark.district_clock
def test_what_one_official_typed_is_never_put_back_into_another_officials_form(
    live_server, page, sign_in, official, people
):
    official(Role.COMMUNE_OFFICER, people.my_ly, username="canbo.thay")  # the colleague on the same desk
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    criterion = dossier.applicable_criteria()[2]
    sign_in("officer")
    url = f"{live_server.url}/dossiers/{dossier.pk}/self-assessment/"
    page.goto(url)
    page.fill(f"#id_explanation_{criterion.pk}", DESCRIPTION)
    Session.objects.all().delete()  # the first official's session ran out as the save went
    page.click("text=Lưu nháp")
    page.wait_for_url("**/accounts/login/**")
    assert kept_keys(page)  # kept for its official...
    page.fill("#id_username", "canbo.thay")  # ...but another signs in at this computer
    page.fill("#id_password", "pw-for-tests-2022")
    page.click("button.primary")
    page.wait_for_url(url)
    assert page.input_value(f"#id_explanation_{criterion.pk}") != DESCRIPTION
    assert DESCRIPTION not in page.content()
    assert not kept_keys(page)


@pytest.mark.district_clock
def test_what_was_kept_is_dropped_once_the_form_reached_the_server_and_at_sign_out(
    live_server, page, sign_in, people, tmp_path
):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    c1, c2, c3 = dossier.applicable_criteria()
    evidence = tmp_path / "bao-cao.pdf"
    evidence.write_bytes(PDF_BYTES)
    sign_in("officer")
    form_path = f"/dossiers/{dossier.pk}/self-assessment/"
    page.goto(live_server.url + form_path)
    page.fill(f"#id_value_{c1.pk}", "0")
    page.check(f"#id_value_{c2.pk}_0")
    page.fill(f"#id_value_{c3.pk}", "12")
    page.fill(f"#id_explanation_{c1.pk}", DESCRIPTION)
    page.set_input_files(f"#id_evidence_{c1.pk}", str(evidence))
    keep_js_arrives_late(page)
    page.click("text=Lưu và gửi")
    # The send reached the server, which answered with the confirmation: once the page has run its
    # scripts, nothing waits in the tab.
    page.wait_for_selector("text=Kiểm tra trước khi xác nhận")
    page.wait_for_load_state()
    assert not kept_keys(page)
    page.click("button[name=confirmed]")
    page.wait_for_selector("text=Xong: hồ sơ hiện ở trạng thái")
    page.wait_for_load_state()
    assert not kept_keys(page)

    # A send the server refused before reading it keeps the typing for going back; signing out drops it.
    page.evaluate(
        "([path, owner]) => sessionStorage.setItem('nghean:kept:' + path,"
        " JSON.stringify({owner: owner, values: [['x', 'y']]}))",
        [form_path, page.get_attribute("body", "data-keep-owner")],
    )
    page.click("text=Đăng xuất")
    page.wait_for_url("**/accounts/login/**")
    assert not kept_keys(page)
