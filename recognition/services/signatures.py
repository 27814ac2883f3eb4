"""Electronic originals (bản gốc văn bản điện tử, Decree 30, Art. 5): a document of a body that issues
electronically waits, once rendered, for the competent person's digital signature and then for the
organisation's, which the clerk applies. The signatures are validated by `esign`; here the document
keeps the signed file and, at the organisation's signature, the decision takes effect. Each public
function is one transaction."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import workflow
from communes.models import IssuingBody

from ..documents import kinds
from ..models import Document, RecognitionDecision
from .common import _tell

if TYPE_CHECKING:
    from accounts.models import User


def _signing_record(document: Document):
    """What carries the document's signer: its revocation, collective decision or decision, else itself."""
    return next(
        (r for r in (document.revocation, document.collective, document.decision) if r is not None), document
    )


def signer_of(document: Document) -> User | None:
    """The competent person whose signature the document awaits first: the signer of its decision,
    revocation or collective decision, else the official recorded as its signer."""
    return _signing_record(document).signer


def signer_id_of(document: Document) -> int | None:
    """The primary key of signer_of(document), read without loading the user."""
    return _signing_record(document).signer_id


def signing_unit(document: Document):
    """The administrative unit whose clerk applies the organisation's signature (the body's unit)."""
    if document.collective is not None:
        return document.collective.province
    decision = document.revocation.decision if document.revocation is not None else document.decision
    if decision is not None:
        return workflow.deciding_unit(decision.dossier)
    if document.dossier_id:
        return workflow.appraising_unit(document.dossier)
    return document.province


def clerk_permission_of(document: Document, bodies: dict[str, IssuingBody] | None = None) -> str:
    """The grant of the clerk who applies the organisation signature of the document's body (the People's
    Committee's văn thư, or the police's), as the body's kind says. `bodies` (by register code) spares
    the query when several documents are read."""
    if bodies is not None:
        body = bodies.get(document.issuer_code)
    else:
        body = IssuingBody.objects.filter(code=document.issuer_code).first() if document.issuer_code else None
    return body.clerk_permission if body is not None else "keep_register"


def stage_after_render(document: Document) -> str:
    """The stage a freshly rendered document enters: an electronic body's issued document waits for its
    signer; a draft, or a body on paper, has none."""
    from ..documents.render import issued_electronically

    return Document.SignatureStage.SIGNER if issued_electronically(document) else Document.SignatureStage.NONE


def tell_awaiting_signature(document: Document) -> int:
    """The bell: the signer is told a document waits for their signature, or the clerks that one waits
    for the organisation's."""
    from communes.permissions import holders_of

    link = reverse("esign:document_signing", args=[document.pk])
    with translation.override(settings.LANGUAGE_CODE):
        what = f"{document.get_kind_display()} {kinds.entry(document.kind).identity(document).number}".strip()
        if document.signature_stage == Document.SignatureStage.SIGNER:
            signer = signer_of(document)
            recipients = [signer] if signer is not None else []
            subject = _("Waiting for your digital signature: %(what)s") % {"what": what}
            note = _("Download the final file, sign it with your digital signature and upload it.")
        elif document.signature_stage == Document.SignatureStage.ORGANISATION:
            recipients = list(holders_of(clerk_permission_of(document), signing_unit(document)))
            subject = _("Waiting for the organisation's digital signature: %(what)s") % {"what": what}
            note = _(
                "The competent person has signed; add the organisation's digital signature and upload it."
            )
        else:
            return 0
    return _tell(recipients=recipients, subject=subject, note=note, link=link)


@transaction.atomic
def document_signature_add(*, document_id: int, signed_pdf: bytes) -> Document:
    """Keep the signed file the `esign` validation accepted and move the document on: after the signer's
    signature it waits for the organisation's; after the organisation's it is the electronic original and
    what it decides takes effect (earlier recognitions end, the communes receive the signed decision)."""
    document = Document.objects.select_for_update().get(pk=document_id)
    storage = document.signed_file.storage
    old = document.signed_file.name
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    name = storage.save(document.signed_storage_name, ContentFile(signed_pdf))
    document.signed_file.name = name
    document.signed_sha256 = hashlib.sha256(signed_pdf).hexdigest()
    if document.signature_stage == Document.SignatureStage.SIGNER:
        document.signature_stage = Document.SignatureStage.ORGANISATION
    else:
        document.signature_stage = Document.SignatureStage.SIGNED
        document.signed_at = timezone.now()
    document.save(update_fields=["signed_file", "signed_sha256", "signature_stage", "signed_at"])
    if document.signature_stage == Document.SignatureStage.SIGNED:
        _take_effect(document)
    else:
        tell_awaiting_signature(document)
    return document


def _take_effect(document: Document) -> None:
    from .decisions import _end_earlier_recognitions
    from .documents import decision_mailing_queue

    if document.kind == Document.Kind.RECOGNITION and document.decision is not None:
        _end_earlier_recognitions(document.decision)
    elif document.kind == Document.Kind.COLLECTIVE_DECISION and document.collective is not None:
        for decision in RecognitionDecision.objects.filter(collective=document.collective).select_related(
            "dossier"
        ):
            _end_earlier_recognitions(decision)
        decision_mailing_queue(document_id=document.pk, attachment_file=str(document.signed_file.name))
