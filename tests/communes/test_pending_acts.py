"""Post/Redirect/Get around every confirmation: the form's post redirects to the confirmation page,
the act is held on the server for the official and the page, used once and expiring; Back and reload
give GET pages and a replayed post does nothing twice."""

import time

import pytest
from django.urls import reverse

from communes import confirm
from recognition.models import RecognitionDecision
from tests import workflow
from tests.answers import confirm_through_the_page, refusal_messages
from tests.recognition.test_guard_rails import decision_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraised(people, dossier):
    return workflow.appraise(workflow.submit(dossier, people.officer), people.police)


@pytest.mark.district_clock
def test_the_forms_post_is_answered_by_a_redirect_to_the_confirmation_page(client, people, appraised):
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[appraised.pk])
    posted = client.post(url, decision_data(appraised))
    assert posted.status_code == 302 and posted["Location"].startswith(f"{url}?pending=")
    page = client.get(posted["Location"])
    assert page.status_code == 200 and "Kiểm tra trước khi xác nhận" in page.content.decode()
    assert client.get(posted["Location"]).status_code == 200  # a reload shows it again, by GET
    assert not RecognitionDecision.objects.exists()


@pytest.mark.district_clock
def test_back_after_a_confirmed_act_is_a_get_page_and_a_replayed_post_does_nothing_twice(
    client, people, appraised, django_capture_on_commit_callbacks
):
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[appraised.pk])
    with django_capture_on_commit_callbacks(execute=False):
        page, done, posted = confirm_through_the_page(client, url, decision_data(appraised))
    assert done.status_code == 302 and RecognitionDecision.objects.count() == 1
    # Back: the browser asks the confirmation page again, by GET; it says the act was done.
    back = client.get(page.wsgi_request.get_full_path())
    assert back.status_code == 302 and back["Location"] == url
    assert "không còn hiệu lực" in refusal_messages(back)[0]
    # The confirming post sent again (the browser's resubmission, a double click).
    with django_capture_on_commit_callbacks(execute=False):
        replayed = client.post(*posted)
    assert replayed.status_code == 302 and any(
        "không có gì được thực hiện lại" in m for m in refusal_messages(replayed)
    )
    assert RecognitionDecision.objects.count() == 1


@pytest.mark.district_clock
def test_a_pending_act_is_the_officials_and_expires(client, people, appraised, monkeypatch):
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[appraised.pk])
    location = client.post(url, decision_data(appraised))["Location"]
    token = location.split("pending=")[1]
    # Another official signed in on the same browser session cannot use it.
    other = client.session
    other["pending_acts"][token]["user"] = people.police.pk
    other.save()
    assert client.get(location).status_code == 302
    # Expired: refused, nothing done.
    location = client.post(url, decision_data(appraised))["Location"]
    monkeypatch.setattr(confirm.time, "time", lambda: time.time_ns() / 1e9 + confirm.PENDING_ACT_SECONDS + 1)
    expired = client.post(location, {**decision_data(appraised), "confirmed": "1"})
    assert expired.status_code == 302 and "đã hết hạn" in refusal_messages(expired)[0]
    assert not RecognitionDecision.objects.exists()


@pytest.mark.district_clock
def test_going_back_from_the_confirmation_keeps_the_token_and_the_values(client, people, appraised):
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[appraised.pk])
    page = client.get(client.post(url, decision_data(appraised, reasons="Lý do riêng"))["Location"])
    html = page.content.decode()
    assert f'formaction="{url}"' in html  # "Go back and change" posts to the form, not the token
    back = client.post(url, {**decision_data(appraised, reasons="Lý do riêng"), "back": "1"})
    assert back.status_code == 200 and "Lý do riêng" in back.content.decode()
