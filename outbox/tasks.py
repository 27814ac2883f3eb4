"""Celery tasks of the outbox: thin, they take ids and call the services."""

from celery import shared_task


@shared_task(acks_late=True)
def send_emails(email_ids: list[int]) -> int:
    from .services import emails_send

    return emails_send(email_ids=email_ids)


@shared_task(acks_late=True)
def sweep_emails() -> int:
    from .services import emails_sweep

    return emails_sweep()
