"""The outbox (hộp thư đi): every e-mail the application sends, kept until the mail server takes it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    """One e-mail (thư điện tử): written in the transaction of what it tells, sent after it commits,
    marked sent when the mail server accepts it. What a broker or mail-server outage left unsent, the
    sweep sends later, once (`key` makes queuing the same e-mail twice a no-op)."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"), default=list)
    # An attachment is read from the storage when the e-mail is sent (a rendered decision).
    attachment_file = models.CharField(_("attached file"), max_length=300, blank=True)
    attachment_name = models.CharField(_("attachment's name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment's type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_unsent_idx", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.subject
