"""Reads of the digital-signature registry: what a province trusts, the certificates on file."""

from __future__ import annotations

from django.conf import settings

from recognition.models import Document

from .models import RevocationList, SignatureEvidence, SigningCertificate, TrustAnchor
from .validation import Trust


def province_of(document: Document):
    if document.province_id:
        return document.province
    if document.collective is not None:
        return document.collective.province
    dossier = document.dossier or (document.decision.dossier if document.decision is not None else None)
    return dossier.commune.province if dossier is not None else None


def trust_for(province) -> Trust:
    """The province's roots, intermediates and uploaded CRLs; fetching revocation data only where the
    deployment allows it (ESIGN_FETCH_REVOCATION)."""
    anchors = list(TrustAnchor.objects.filter(province=province))
    return Trust(
        roots=[bytes(a.der) for a in anchors if a.is_root],
        intermediates=[bytes(a.der) for a in anchors if not a.is_root],
        crls=[bytes(c.der) for c in RevocationList.objects.filter(province=province)],
        allow_fetching=settings.ESIGN_FETCH_REVOCATION,
    )


def certificate_on_file(sha256: str) -> SigningCertificate | None:
    """A certificate an administrator put on file or confirmed (a suggestion awaiting confirmation is
    not on file)."""
    return (
        SigningCertificate.objects.filter(sha256=sha256, confirmed_at__isnull=False)
        .select_related("user", "issuing_body")
        .first()
    )


def signatures_of(document: Document) -> list[SignatureEvidence]:
    return list(
        SignatureEvidence.objects.filter(document=document).select_related(
            "certificate__user", "certificate__issuing_body"
        )
    )


def awaiting_for(user) -> list[Document]:
    """The documents waiting for `user`'s digital signature, or for their office's (the clerks'): two
    queries, and the grants already read for the page, however many documents wait."""
    from django.db.models import Q

    from communes.models import IssuingBody
    from communes.permissions import has_unit_perm
    from recognition.services.signatures import clerk_permission_of, signer_id_of, signing_unit

    dossier_parts = ("commune__district", "commune__province", "criteria_set")
    waiting = list(
        Document.objects.filter(
            Q(signature_stage=Document.SignatureStage.ORGANISATION)
            | Q(signature_stage=Document.SignatureStage.SIGNER)
            & (
                Q(decision__signer=user)
                | Q(revocation__signer=user)
                | Q(collective__signer=user)
                | Q(signer=user)
            )
        )
        .select_related(
            *(f"decision__dossier__{part}" for part in dossier_parts),
            *(f"revocation__decision__dossier__{part}" for part in dossier_parts),
            *(f"dossier__{part}" for part in dossier_parts),
            "collective__province",
            "province",
        )
        .order_by("requested_at")[:200]
    )
    bodies = {b.code: b for b in IssuingBody.objects.filter(code__in={d.issuer_code for d in waiting})}
    found = []
    for document in waiting:
        if document.signature_stage == Document.SignatureStage.SIGNER:
            if signer_id_of(document) == user.pk:
                found.append(document)
        elif has_unit_perm(user, clerk_permission_of(document, bodies), signing_unit(document)):
            found.append(document)
    return found


def verification_signatures(document: Document) -> dict:
    """What /verify/ shows of an electronic original's signatures: who, as what, which organisation,
    when (and whether a timestamp says so), and the trust anchor."""
    if not document.signature_stage:
        return {}
    return {
        "signatures": [
            {
                "position": s.position,
                "role": s.get_role_display(),
                "holder": s.certificate.user.get_full_name()
                if s.certificate.user
                else str(s.certificate.issuing_body),
                "subject": s.signer_subject,
                "when": s.signing_time,
                "timestamped": s.time_from_timestamp,
                "anchor": s.anchor_subject,
            }
            for s in signatures_of(document)
        ]
    }


# The grants of those who sign or apply an organisation's signature: the others' inbox asks nothing.
_SIGNING_GRANTS = ("keep_register", "keep_police_register", "decide_", "appraise_", "sit_on_council")


def work_for(user) -> list:
    """The inbox's "other work": the documents waiting for the user's digital signature or for their
    office's. No query for an official who neither signs nor keeps a register."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from assessments.panels import Work
    from communes.permissions import unit_grants

    if not user.is_authenticated:
        return []
    held = {codename for _, codename in unit_grants(user)}
    if not user.is_superuser and not any(c.startswith(_SIGNING_GRANTS) for c in held):
        return []
    waiting = awaiting_for(user)
    if not waiting:
        return []
    label = ngettext(
        "%(count)s document waiting for a digital signature",
        "%(count)s documents waiting for a digital signature",
        len(waiting),
    ) % {"count": len(waiting)}
    return [Work(label=label, url=reverse("esign:awaiting"), count=len(waiting))]
