"""Bringing a digital signature by upload (ký số bằng tải lên): validate, then keep. One transaction each."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import Document
from recognition.services.signatures import document_signature_add, signer_of

from . import permissions, selectors
from .models import SignatureEvidence, SigningCertificate
from .validation import SignatureFacts, SignatureRefused, validate_signed_upload

if TYPE_CHECKING:
    from accounts.models import User


class SignatureConflict(SignatureRefused):
    """The document moved on (another upload was accepted meanwhile): refused with what changed."""


def _on_file(facts: SignatureFacts, *, role: str, document: Document) -> SigningCertificate:
    """The certificate on file for this signature, by fingerprint: the recorded signer's own for the
    first, an organisation certificate of the issuing body for the second; valid at the signing time."""
    certificate = selectors.certificate_on_file(facts.certificate_sha256)
    n = facts.position
    if certificate is None:
        raise SignatureRefused(
            "not_on_file",
            _(
                "Signature %(n)s: the certificate (SHA-256 %(sha)s, %(subject)s) is not on file. An "
                "administrator must add it for its holder before it is accepted."
            )
            % {"n": n, "sha": facts.certificate_sha256[:16] + "…", "subject": facts.signer_subject},
            certificate_der=facts.certificate_der if role == SignatureEvidence.Role.SIGNER else b"",
        )
    if role == SignatureEvidence.Role.SIGNER:
        signer = signer_of(document)
        if certificate.user_id is None or signer is None or certificate.user_id != signer.pk:
            holder = certificate.user.get_full_name() if certificate.user else str(certificate.issuing_body)
            raise SignatureRefused(
                "wrong_signer",
                _(
                    "Signature %(n)s must be the competent person's (%(signer)s); the certificate is on file "
                    "for %(holder)s."
                )
                % {"n": n, "signer": signer.get_full_name() if signer else "—", "holder": holder},
            )
    elif certificate.issuing_body is None or certificate.issuing_body.code != document.issuer_code:
        raise SignatureRefused(
            "wrong_organisation",
            _("Signature %(n)s must be the organisation certificate of the issuing body.") % {"n": n},
        )
    if not (certificate.not_before <= facts.signing_time <= certificate.not_after):
        raise SignatureRefused(
            "expired",
            _("Signature %(n)s: the certificate was not valid at the signing time.") % {"n": n},
        )
    return certificate


@transaction.atomic
def signature_upload(
    *, document: Document, actor: User, uploaded: bytes, seen_stage: str | None = None
) -> Document:
    """The signer's signature (first), or the organisation's applied by the clerk (second), brought as
    the signed PDF. Every check of `esign.validation` and of the certificates on file; any failure
    refuses the whole upload (SignatureRefused) and the document keeps waiting."""
    locked = (
        Document.objects.select_for_update(of=("self",))
        .select_related(
            "decision__dossier__commune", "revocation__decision__dossier", "collective", "province"
        )
        .get(pk=document.pk)
    )
    if seen_stage is not None and locked.signature_stage != seen_stage:
        raise SignatureConflict(
            "conflict",
            _("The document changed meanwhile: it is now “%(stage)s”. Nothing was kept from your upload.")
            % {"stage": locked.get_signature_stage_display()},
        )
    if locked.signature_stage == Document.SignatureStage.SIGNER:
        if not permissions.can_sign_as_signer(locked, actor):
            raise PermissionDenied
        needed, base = 1, None
    elif locked.signature_stage == Document.SignatureStage.ORGANISATION:
        if not permissions.can_sign_for_organisation(locked, actor):
            raise PermissionDenied
        needed = 2
        with locked.signed_file.open("rb") as handle:
            base = handle.read()
    else:
        raise SignatureRefused("stage", _("This document is not waiting for a digital signature."))
    with locked.file.open("rb") as handle:
        rendered = handle.read()
    facts = validate_signed_upload(
        rendered=rendered,
        uploaded=uploaded,
        signatures=needed,
        trust=selectors.trust_for(selectors.province_of(locked)),
    )
    if base is not None and not uploaded.startswith(base):
        raise SignatureRefused(
            "signer_first",
            _(
                "The organisation's signature must be added to the file the competent person signed, after it."
            ),
        )
    roles = [SignatureEvidence.Role.SIGNER, SignatureEvidence.Role.ORGANISATION][:needed]
    certificates = [_on_file(f, role=r, document=locked) for f, r in zip(facts, roles, strict=True)]
    for fact, role, certificate in zip(facts, roles, certificates, strict=True):
        if role == SignatureEvidence.Role.SIGNER and base is not None:
            continue  # kept when the signer brought it
        SignatureEvidence.objects.create(
            document=locked,
            position=fact.position,
            role=role,
            certificate=certificate,
            signer_subject=fact.signer_subject[:500],
            signing_time=fact.signing_time,
            time_from_timestamp=fact.time_source == "timestamp",
            anchor_subject=fact.anchor_subject[:500],
            subfilter=fact.subfilter,
            report=fact.summary,
            evidence=fact.evidence,
            uploaded_by=actor,
        )
    return document_signature_add(document_id=locked.pk, signed_pdf=uploaded)


@transaction.atomic
def certificate_record(
    *,
    data: bytes,
    actor: User,
    user: User | None = None,
    issuing_body=None,
    confirmed_on: datetime.datetime | None = None,
) -> SigningCertificate:
    """An administrator puts a certificate on file for an official or an issuing body."""
    from django.utils import timezone

    certificate = SigningCertificate(user=user, issuing_body=issuing_body, confirmed_by=actor)
    certificate.read(data)
    certificate.confirmed_at = confirmed_on or timezone.now()
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def scan_attach(*, document: Document, actor: User, data: bytes) -> Document:
    """Văn thư of a body on paper: the scan of the signed and stamped paper, listed beside the issued
    file (a colour PDF of at least 200 dpi; a later scan replaces it)."""
    import hashlib

    from django.core.files.base import ContentFile

    from .scans import ScanRefused, check_scan

    locked = Document.objects.select_for_update(of=("self",)).select_related("collective").get(pk=document.pk)
    if not permissions.can_attach_scan(locked, actor):
        raise PermissionDenied
    try:
        check_scan(data)
    except ScanRefused as refused:
        raise SignatureRefused("scan", str(refused)) from refused
    storage = locked.scan.storage
    old = locked.scan.name
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    locked.scan.name = storage.save(f"scans/{locked.year}/{locked.kind}-{locked.pk}.pdf", ContentFile(data))
    locked.scan_sha256 = hashlib.sha256(data).hexdigest()
    locked.save(update_fields=["scan", "scan_sha256"])
    return locked


@transaction.atomic
def certificate_suggest(*, document: Document, data: bytes) -> SigningCertificate | None:
    """A certificate seen for the first time on a refused upload, whose name is the recorded signer's:
    kept as a suggestion for an administrator to confirm (admin "Signing certificates"). The name alone
    never accepts a signature: until confirmed it is not on file. None when the names differ."""
    from communes.text import search_key

    from .certificates import certificate_facts, common_name

    signer = signer_of(document)
    facts = certificate_facts(data)
    if signer is None or search_key(common_name(facts.der)) != search_key(signer.get_full_name()):
        return None
    existing = SigningCertificate.objects.filter(sha256=facts.sha256).first()
    if existing is not None:
        return existing
    certificate = SigningCertificate(user=signer)
    certificate.read(data)
    certificate.save()
    return certificate


@transaction.atomic
def certificates_confirm(*, certificates, actor: User) -> int:
    """An administrator confirms suggested certificates for their holders: on file from now."""
    from django.utils import timezone

    return SigningCertificate.objects.filter(
        pk__in=[c.pk for c in certificates], confirmed_at__isnull=True
    ).update(confirmed_by=actor, confirmed_at=timezone.now())
