"""Who may bring a digital signature to a document (named predicates; guardian's object grants)."""

from __future__ import annotations

from communes.permissions import has_unit_perm, serves_in
from recognition.models import Document
from recognition.permissions import can_view_document
from recognition.services.signatures import clerk_permission_of, signer_id_of, signing_unit


def can_sign_as_signer(document: Document, user) -> bool:
    """The competent person recorded as the document's signer, while it waits for their signature."""
    return (
        document.signature_stage == Document.SignatureStage.SIGNER
        and signer_id_of(document) == user.pk
        and can_view_document(document, user)
        # A signer whose post or unit has ended signs nothing more (F17).
        and serves_in(user, signing_unit(document))
    )


def can_sign_for_organisation(document: Document, user) -> bool:
    """The clerk (văn thư) of the issuing body's unit, once the competent person has signed."""
    return document.signature_stage == Document.SignatureStage.ORGANISATION and has_unit_perm(
        user, clerk_permission_of(document), signing_unit(document)
    )


def can_see_signing(document: Document, user) -> bool:
    return can_view_document(document, user) and (
        (signer_id_of(document) == user.pk and serves_in(user, signing_unit(document)))
        or has_unit_perm(user, clerk_permission_of(document), signing_unit(document))
    )


def can_attach_scan(document: Document, user) -> bool:
    """The clerk of a body on paper, on an issued document (never a draft, never an electronic one)."""
    return (
        document.signature_stage == Document.SignatureStage.NONE
        and not document.draft
        and document.status == Document.Status.READY
        and has_unit_perm(user, clerk_permission_of(document), signing_unit(document))
    )
