"""Queuing and sending e-mail through the outbox (hộp thư đi)."""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """An e-mail to queue: `key` names it once for good (e.g. "notification:41")."""

    key: str
    subject: str
    body: str
    to: list[str]
    attachment_file: str = ""
    attachment_name: str = ""
    attachment_type: str = ""


def emails_queue(*, letters: list[Letter]) -> list[Email]:
    """Write the letters to the outbox in the caller's transaction (those with no address and those
    already queued are left out); they go to the workers once it commits."""
    letters = [letter for letter in letters if letter.to]
    if not letters:
        return []
    known = set(Email.objects.filter(key__in=[x.key for x in letters]).values_list("key", flat=True))
    fresh = {x.key: x for x in letters if x.key not in known}  # one per key, even within the batch
    emails = Email.objects.bulk_create(
        [
            Email(
                key=x.key,
                subject=x.subject.replace("\n", " ")[:300],
                body=x.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=x.to,
                attachment_file=x.attachment_file,
                attachment_name=x.attachment_name,
                attachment_type=x.attachment_type,
            )
            for x in fresh.values()
        ]
    )
    if emails:
        ids = [e.pk for e in emails]
        transaction.on_commit(lambda: emails_enqueue(email_ids=ids))
    return emails


def emails_enqueue(*, email_ids: list[int]) -> bool:
    """Hand the e-mails to the workers; a broker outage is only logged: they stay unsent in the outbox
    and the sweep sends them. Whether they were handed over."""
    from .tasks import send_emails

    if not email_ids:
        return False
    try:
        send_emails.apply_async(args=[email_ids], retry=True, retry_policy=settings.CELERY_PUBLISH_RETRY)
    except Exception as exc:  # kombu OperationalError, redis ConnectionError...: all mean "later"
        logger.warning("e-mails %s not enqueued (%s); the sweep will send them", email_ids, exc)
        return False
    return True


def _message(email: Email) -> EmailMessage:
    message = EmailMessage(subject=email.subject, body=email.body, from_email=email.from_email, to=email.to)
    if email.attachment_file:
        with default_storage.open(email.attachment_file, "rb") as handle:
            message.attach(email.attachment_name, handle.read(), email.attachment_type)
    return message


def emails_send(*, email_ids: list[int]) -> int:
    """Send each unsent e-mail, each in its own transaction holding its row, so that a task delivered
    twice and the sweep never send one twice. A refusal of the mail server is recorded on the e-mail,
    which the sweep tries again. Returns how many were sent."""
    sent = 0
    for email_id in email_ids:
        with transaction.atomic():
            email = (
                Email.objects.select_for_update(skip_locked=True)
                .filter(pk=email_id, sent_at__isnull=True)
                .first()
            )
            if email is None:  # sent already, or being sent by another worker
                continue
            email.attempts += 1
            try:
                _message(email).send()
            except (OSError, smtplib.SMTPException) as exc:
                logger.warning("e-mail %s not sent (attempt %s): %s", email.pk, email.attempts, exc)
                email.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                email.save(update_fields=["attempts", "last_error"])
                continue
            email.sent_at, email.last_error = timezone.now(), ""
            email.save(update_fields=["attempts", "sent_at", "last_error"])
            sent += 1
    return sent


def emails_sweep(*, older_than_minutes: int | None = None) -> int:
    """Hand again to the workers the e-mails still unsent a few minutes after they were written (a
    broker outage, a mail server down, a lost task), up to EMAIL_MAX_ATTEMPTS each. How many."""
    minutes = settings.EMAIL_SWEEP_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    ids = list(
        Email.objects.filter(
            sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=settings.EMAIL_MAX_ATTEMPTS
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    return len(ids) if emails_enqueue(email_ids=ids) else 0
