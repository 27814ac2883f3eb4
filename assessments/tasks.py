"""Celery tasks of the workflow: thin, they take ids and call plain functions."""

from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def send_reminders(days: int | None = None) -> int:
    from .services import reminders_send

    return reminders_send(days=days if days is not None else settings.REMINDER_AFTER_DAYS)


@shared_task(acks_late=True)
def open_cycle_dossiers() -> int:
    """Daily: the dossiers of the communes assigned to or registered for a cycle whose period began."""
    from .services import cycles_open_dossiers

    return cycles_open_dossiers()


@shared_task(acks_late=True)
def send_cycle_reminders() -> int:
    """Daily: remind the communes whose report is due soon, or late."""
    from .services import cycle_reminders_send

    return cycle_reminders_send()
