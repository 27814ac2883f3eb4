"""Keeping clean: revocation after a drug case, yearly re-evaluation, expiry and reminders."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Dossier, Notification
from recognition.models import Document, Revocation

pytestmark = pytest.mark.django_db


@pytest.mark.district_clock
def test_chair_revokes_a_recognition_with_the_incident(client, recognised, people):
    client.force_login(people.chair)
    url = reverse("recognition:revoke", args=[recognised.dossier_id])
    assert client.get(url).status_code == 200
    data = {
        "incident_date": "2022-11-02",
        "incident_description": "Bắt quả tang đối tượng tàng trữ ma túy",
        "reason": "Phát sinh tội phạm ma túy.",
        "decided_on": "2022-11-10",
        "signer_title": "Chủ tịch",
    }
    # First the confirmation: what is revoked, on what grounds, what follows; nothing changed yet.
    confirm = client.post(url, data, follow=True).content.decode()
    assert "Kiểm tra trước khi xác nhận" in confirm and "Bắt quả tang đối tượng tàng trữ ma túy" in confirm
    assert "01/QĐ-UBND" in confirm  # the recognition it revokes
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "recognised"
    # "Go back and change" returns to the form with what was typed.
    back = client.post(url, {**data, "back": "1"}).content.decode()
    assert "Phát sinh tội phạm ma túy.</textarea>" in back
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=recognised.dossier_id)
    assert dossier.state == "revoked"
    revocation = Revocation.objects.get()
    assert revocation.number_display == "02/QĐ-UBND"
    assert Document.objects.filter(kind="revocation", revocation=revocation).exists()
    assert dossier.events.last().transition == "revoke"
    # The dossier page tells the standing: revoked, by which decision, the incident and the reason;
    # no "valid until" any more, and the revocation's file carries its own number.
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Bị thu hồi theo Quyết định số 02/QĐ-UBND ngày 10/11/2022" in page
    assert "Bắt quả tang đối tượng tàng trữ ma túy" in page and "Hiệu lực đến" not in page
    from recognition.views import download_name

    assert download_name(Document.objects.get(kind="revocation")).startswith("Quyết định thu hồi 02-QĐ-UBND")


@pytest.mark.district_clock
def test_revocation_needs_the_incident_and_a_reason(client, recognised, people):
    client.force_login(people.chair)
    response = client.post(
        reverse("recognition:revoke", args=[recognised.dossier_id]),
        {
            "incident_date": "2022-11-02",
            "incident_description": "",
            "reason": "",
            "decided_on": "2022-11-10",
        },
    )
    assert response.status_code == 400
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "recognised"


@pytest.mark.district_clock
@pytest.mark.parametrize("who", ["officer", "police", "viewer", "other_chair"])
def test_only_the_deciding_authority_revokes(client, recognised, people, who):
    client.force_login(getattr(people, who))
    response = client.post(
        reverse("recognition:revoke", args=[recognised.dossier_id]),
        {
            "incident_date": "2022-11-02",
            "incident_description": "x",
            "reason": "y",
            "decided_on": "2022-11-10",
        },
    )
    assert response.status_code in (403, 404)
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "recognised"


@pytest.mark.district_clock
def test_recognitions_past_their_validity_expire(recognised):
    out = io.StringIO()
    call_command("expire_recognitions", "--today", "2023-12-31", stdout=out)  # through the year after
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "recognised"
    call_command("expire_recognitions", "--today", "2024-01-01", stdout=out)
    dossier = Dossier.objects.get(pk=recognised.dossier_id)
    assert dossier.state == "expired"
    assert dossier.events.last().actor is None  # the system
    assert "1 recognition(s) expired" in out.getvalue()


@pytest.mark.district_clock
def test_next_years_dossier_opens_as_a_reevaluation(recognised):
    from tests.factories import small_criteria_set

    small_criteria_set(year_from=2023, year_to=2024)
    out = io.StringIO()
    call_command("open_reevaluations", "--year", "2023", stdout=out)
    reevaluation = Dossier.objects.get(commune=recognised.dossier.commune, year=2023)
    assert reevaluation.is_reevaluation and reevaluation.state == "draft"
    call_command("open_reevaluations", "--year", "2023", stdout=out)  # a second run opens nothing more
    assert Dossier.objects.filter(year=2023).count() == 1


@pytest.mark.district_clock
def test_reminders_go_to_whoever_must_act_after_n_days(people, dossier):
    from tests import workflow

    submitted = workflow.submit(dossier, people.officer)
    Notification.objects.all().delete()
    call_command("send_reminders", "--days", "15", stdout=io.StringIO())
    assert not Notification.objects.exists()  # not late yet
    Dossier.objects.filter(pk=submitted.pk).update(
        state_changed_at=submitted.state_changed_at - datetime.timedelta(days=20)
    )
    call_command("send_reminders", "--days", "15", stdout=io.StringIO())
    reminder = Notification.objects.get()
    assert reminder.recipient == people.police and reminder.event is None
    assert "20" in reminder.note


def test_beat_schedules_every_yearly_and_daily_job(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "recognition.tasks.sweep_pending_documents",
        "recognition.tasks.expire_recognitions",
        "recognition.tasks.open_reevaluations",
        "assessments.tasks.send_reminders",
        "assessments.tasks.open_cycle_dossiers",
        "assessments.tasks.send_cycle_reminders",
        "communes.tasks.sync_posts",
        "outbox.tasks.sweep_emails",
        "assessments.tasks.reconcile_tallies",
    }
    from nghean_dfc.celery import app

    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)


@pytest.mark.district_clock(datetime.datetime(2023, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_the_status_panel_tells_the_current_standing(client, recognised, people):
    """Recognised (number, date, until when); once expired, no longer in force."""
    client.force_login(people.viewer)
    url = reverse("assessments:dossier_detail", args=[recognised.dossier_id])
    page = client.get(url).content.decode()
    assert "Được công nhận, hiệu lực đến 31/12/2023" in page and recognised.number_display in page
    call_command("expire_recognitions", "--today", "2024-01-01", stdout=io.StringIO())
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "expired"
    page = client.get(url).content.decode()
    assert "Hết hiệu lực: công nhận có hiệu lực đến 31/12/2023" in page
    assert "Được công nhận, hiệu lực đến" not in page
