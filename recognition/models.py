"""The recognition decision (quyết định công nhận / không công nhận) and what follows it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Dossier


class RecognitionDecision(models.Model):
    """Quyết định: the deciding authority's decision on a dossier, with its signer and reasons."""

    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="recognition_decision", verbose_name=_("dossier")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    decided_on = models.DateField(_("date of the decision"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer")
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_outcome_display()}"
