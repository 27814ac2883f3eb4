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


@shared_task(acks_late=True)
def reconcile_tallies() -> int:
    """Nightly: recompute the dashboards' tallies from the dossiers and report every drift (there must be
    none: each change moves them in its own transaction). The drift is reported, not repaired: a drift is
    a bug to find, and `manage.py rebuild_tallies` rewrites them once it is understood."""
    import logging

    from .tallies import tallies_drift

    drift = tallies_drift()
    if drift:
        logging.getLogger(__name__).error(
            "tallies differ from the dossiers (%s): %s", len(drift), "; ".join(map(str, drift[:50]))
        )
    return len(drift)
