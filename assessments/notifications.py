"""The e-mail of a notification (thư báo): what the bell says, sent through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.services import Letter, emails_queue

from . import workflow
from .models import Notification


def notification_letter(notice: Notification) -> Letter:
    """The e-mail telling `notice` to its recipient, in the application's language."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        if notice.dossier_id is None:  # work of no dossier: its own subject and page
            subject, body = notice.subject, notice.note + "\n\n" + site + notice.link
        else:
            url = site + reverse("assessments:dossier_detail", args=[notice.dossier_id])
            event = notice.event
            if event is not None:
                facts = {
                    "dossier": event.object_repr,
                    "state": event.get_to_state_display(),
                    "actor": event.actor_name or _("The system"),
                }
                subject = _("Dossier %(dossier)s: %(state)s") % facts
                body = _("%(actor)s moved the dossier %(dossier)s to “%(state)s”.") % facts
                if event.comment and event.transition in workflow.RETURNS:
                    body += "\n\n" + _("Reason for the return: %(comment)s") % {"comment": event.comment}
                elif event.comment:
                    body += "\n\n" + _("Comment: %(comment)s") % {"comment": event.comment}
            else:
                subject = _("Dossier %(dossier)s: reminder") % {"dossier": str(notice.dossier)}
                body = notice.note
            body += "\n\n" + url
    return Letter(key=f"notification:{notice.pk}", subject=subject, body=body, to=[notice.recipient.email])


def notifications_mail(notices: list[Notification]) -> None:
    """Queue the e-mail of each notice whose recipient is active and has an address (in the caller's
    transaction: the notice and its e-mail are written together, sent once it commits)."""
    emails_queue(
        letters=[notification_letter(n) for n in notices if n.recipient.is_active and n.recipient.email]
    )
