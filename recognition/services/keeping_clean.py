"""Giữ vững: recognitions that lapse at the end of their validity, and the yearly re-evaluation."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.models import Dossier
from assessments.services import (
    DossierActionError,
    dossier_open,
    dossier_system_transition,
)

from ..models import RecognitionDecision

logger = logging.getLogger(__name__)


def recognitions_expire(*, today: datetime.date | None = None) -> int:
    """Recognitions whose validity has ended move to "expired" (the next year's dossier takes over)."""
    today = today or timezone.localdate()
    expired = 0
    for decision in RecognitionDecision.objects.filter(
        outcome=RecognitionDecision.Outcome.RECOGNISED,
        valid_until__lt=today,
        dossier__state__in=workflow.sources_of("expire"),
    ).select_related("dossier"):
        with transaction.atomic():
            dossier_system_transition(dossier=decision.dossier, name="expire", comment=_("Validity ended."))
        expired += 1
    return expired


def reevaluations_open(*, year: int) -> int:
    """Open `year`'s dossier (a re-evaluation) for each commune recognised for the year before."""
    opened = 0
    previous = Dossier.objects.filter(year=year - 1, state__in=Dossier.RECOGNISED_STATES).select_related(
        "commune"
    )
    for dossier in previous:
        if (
            not dossier.commune.is_valid_in_year(year)
            or Dossier.objects.filter(commune=dossier.commune, year=year).exists()
        ):
            continue
        try:
            dossier_open(commune=dossier.commune, year=year, actor=None)
        except DossierActionError as exc:  # no criteria set for that year yet: nothing to open
            logger.info("no re-evaluation for %s in %s: %s", dossier.commune, year, exc.message)
            continue
        opened += 1
    return opened
