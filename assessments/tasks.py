"""Celery tasks of the workflow: thin, they take ids and call plain functions."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_emails(event_id: int) -> int:
    """E-mail the people notified of a transition (console backend by default). Returns how many."""
    from .models import DossierEvent, Notification

    event = DossierEvent.objects.select_related("dossier__commune").get(pk=event_id)
    recipients = (
        Notification.objects.filter(event=event, recipient__is_active=True)
        .exclude(recipient__email="")
        .values_list("recipient__email", flat=True)
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Dossier %(dossier)s: %(state)s") % {
            "dossier": event.object_repr,
            "state": event.get_to_state_display(),
        }
        url = settings.SITE_URL.rstrip("/") + reverse("assessments:dossier_detail", args=[event.dossier_id])
        body = _("%(actor)s moved the dossier %(dossier)s to “%(state)s”.") % {
            "actor": event.actor_name or _("The system"),
            "dossier": event.object_repr,
            "state": event.get_to_state_display(),
        }
        if event.comment:
            body += "\n\n" + _("Comment: %(comment)s") % {"comment": event.comment}
        body += "\n\n" + url
        for address in recipients:
            sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return sent
