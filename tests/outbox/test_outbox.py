"""The outbox: an e-mail is written with what it tells, sent after the commit, marked sent when the
mail server takes it; a refusal is recorded and sent again by the sweep; nothing is sent twice."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import Email
from outbox.services import Letter, emails_queue, emails_send, emails_sweep

pytestmark = pytest.mark.django_db

LETTER = Letter(
    key="notification:1", subject="Hồ sơ Xã Mỹ Lý — 2026: Đã nộp", body="Nội dung", to=["a@example.vn"]
)


def test_an_e_mail_is_sent_after_the_commit_and_only_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        emails_queue(letters=[LETTER, LETTER, Letter(key="x", subject="s", body="b", to=[])])
        assert mail.outbox == []  # not before the transaction commits
    (message,) = mail.outbox
    assert message.subject == LETTER.subject and message.to == ["a@example.vn"]
    email = Email.objects.get()
    assert email.sent_at is not None and email.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        emails_queue(letters=[LETTER])  # the same e-mail queued again: nothing new
    assert emails_send(email_ids=[email.pk]) == 0  # a task delivered twice
    assert len(mail.outbox) == 1 and Email.objects.count() == 1


def test_a_mail_server_refusal_is_recorded_and_the_sweep_sends_it_later(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def refused(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    with django_capture_on_commit_callbacks(execute=True):
        emails_queue(letters=[LETTER])
    email = Email.objects.get()
    assert email.sent_at is None and email.attempts == 1 and "SMTPServerDisconnected" in email.last_error
    assert emails_sweep() == 0  # not yet: it was written a moment ago

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    Email.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert emails_sweep() == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 2 and email.last_error == ""
    assert len(mail.outbox) == 1
    assert emails_sweep() == 0


def test_the_sweep_gives_up_after_the_last_attempt(settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    Email.objects.create(
        key="k",
        subject="s",
        body="b",
        from_email="x@example.vn",
        to=["a@example.vn"],
        attempts=3,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert emails_sweep() == 0 and mail.outbox == []
