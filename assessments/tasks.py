"""Celery tasks of the workflow: thin, they take ids and call plain functions."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notified official who has an address (console backend by default)."""
    from . import workflow
    from .models import Notification

    notices = (
        Notification.objects.filter(pk__in=notification_ids, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("event", "dossier__commune", "recipient")
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notice in notices:
            if notice.dossier_id is None:  # work of no dossier: its own subject and page
                sent += send_mail(
                    notice.subject,
                    notice.note + "\n\n" + settings.SITE_URL.rstrip("/") + notice.link,
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.recipient.email],
                )
                continue
            dossier_name = str(notice.dossier)
            url = settings.SITE_URL.rstrip("/") + reverse(
                "assessments:dossier_detail", args=[notice.dossier_id]
            )
            if notice.event is not None:
                event = notice.event
                subject = _("Dossier %(dossier)s: %(state)s") % {
                    "dossier": event.object_repr,
                    "state": event.get_to_state_display(),
                }
                body = _("%(actor)s moved the dossier %(dossier)s to “%(state)s”.") % {
                    "actor": event.actor_name or _("The system"),
                    "dossier": event.object_repr,
                    "state": event.get_to_state_display(),
                }
                if event.comment and event.transition in workflow.RETURNS:
                    body += "\n\n" + _("Reason for the return: %(comment)s") % {"comment": event.comment}
                elif event.comment:
                    body += "\n\n" + _("Comment: %(comment)s") % {"comment": event.comment}
            else:
                subject = _("Dossier %(dossier)s: reminder") % {"dossier": dossier_name}
                body = notice.note
            sent += send_mail(
                subject, body + "\n\n" + url, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email]
            )
    return sent


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
