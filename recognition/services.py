"""Recording decisions. The decision row and the dossier's transition happen in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions as dossier_perms
from assessments.models import Dossier
from assessments.services import DossierActionError, dossier_decide
from communes.text import nfc

from .models import RecognitionDecision


@transaction.atomic
def decision_record(
    *,
    dossier: Dossier,
    actor,
    outcome: str,
    decided_on: datetime.date | None = None,
    reasons: str = "",
    signer_title: str = "",
    expected_version: int | None = None,
) -> RecognitionDecision:
    """Recognise or refuse the dossier, recording the decision (outcome, date, signer, reasons)."""
    if not dossier_perms.can_decide(dossier, actor):
        raise PermissionDenied
    reasons = nfc(reasons).strip()
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise DossierActionError(_("The decision cannot be dated in the future."))
    if outcome == RecognitionDecision.Outcome.NOT_RECOGNISED and not reasons:
        raise DossierActionError(_("Give the reasons for not recognising the commune."))
    locked = dossier_decide(
        dossier=dossier, actor=actor, outcome=outcome, reason=reasons, expected_version=expected_version
    )
    return RecognitionDecision.objects.create(
        dossier=locked,
        outcome=outcome,
        decided_on=decided_on,
        signer=actor,
        signer_name=actor.get_full_name(),
        signer_title=nfc(signer_title).strip(),
        reasons=reasons,
    )
