"""The province's trust (chứng thư gốc tin cậy), the certificates on file for officials and issuing bodies
(chứng thư số), uploaded revocation lists (CRL), and the evidence of each signature accepted."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .certificates import UnreadableCertificate, certificate_facts, revocation_list_facts


class _CertificateFile(models.Model):
    """A certificate kept as DER with the facts read from it when it is saved."""

    der = models.BinaryField(_("certificate (DER)"), editable=False)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=500, editable=False)
    issuer = models.CharField(_("issuer"), max_length=500, editable=False)
    not_before = models.DateTimeField(_("valid from"), editable=False)
    not_after = models.DateTimeField(_("valid until"), editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.subject} ({self.sha256[:12]}…)"

    def read(self, data: bytes) -> None:
        """Fill the certificate's fields from an uploaded PEM or DER file."""
        try:
            facts = certificate_facts(data)
        except UnreadableCertificate as error:
            raise ValidationError(_("The file is not an X.509 certificate (PEM or DER).")) from error
        self.der, self.sha256, self.subject, self.issuer = (
            facts.der,
            facts.sha256,
            facts.subject,
            facts.issuer,
        )
        self.not_before, self.not_after = facts.not_before, facts.not_after


class TrustAnchor(_CertificateFile):
    """A root or intermediate certificate authority the province trusts (the Government Cipher
    Committee's): every signature must chain to a root configured here; none configured, none accepted."""

    province = models.ForeignKey(
        "communes.Province",
        on_delete=models.CASCADE,
        related_name="trust_anchors",
        verbose_name=_("province"),
    )
    is_root = models.BooleanField(_("root (trust anchor)"), default=True)

    class Meta:
        verbose_name = _("trusted certificate authority")
        verbose_name_plural = _("trusted certificate authorities")
        ordering = ["province", "-is_root", "subject"]


class SigningCertificate(_CertificateFile):
    """Chứng thư số on file: an official's personal signing certificate, or an issuing body's organisation
    certificate. A signature is accepted only by its fingerprint here; a matching name never suffices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("official"),
    )
    issuing_body = models.ForeignKey(
        "communes.IssuingBody",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation_certificates",
        verbose_name=_("issuing body (organisation certificate)"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["subject"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, issuing_body__isnull=False)
                | models.Q(user__isnull=False, issuing_body__isnull=True),
                name="signing_certificate_one_holder",
            )
        ]

    def clean(self) -> None:
        if (self.user_id is None) == (self.issuing_body_id is None):
            raise ValidationError(
                _("A certificate is either an official's or an issuing body's, never both.")
            )


class RevocationList(models.Model):
    """A CRL the administrator uploaded (danh sách chứng thư số bị thu hồi), kept with its next update."""

    province = models.ForeignKey(
        "communes.Province",
        on_delete=models.CASCADE,
        related_name="revocation_lists",
        verbose_name=_("province"),
    )
    der = models.BinaryField(_("revocation list (DER)"), editable=False)
    issuer = models.CharField(_("issuer"), max_length=500, editable=False)
    this_update = models.DateTimeField(_("issued at"), editable=False)
    next_update = models.DateTimeField(_("next update"), null=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")
        ordering = ["-this_update"]

    def __str__(self) -> str:
        return f"{self.issuer} ({self.this_update:%d/%m/%Y})"

    def read(self, data: bytes) -> None:
        try:
            facts = revocation_list_facts(data)
        except UnreadableCertificate as error:
            raise ValidationError(_("The file is not a certificate revocation list (PEM or DER).")) from error
        self.der, self.issuer = facts.der, facts.issuer
        self.this_update, self.next_update = facts.this_update, facts.next_update


class SignatureEvidence(models.Model):
    """One accepted digital signature of an electronic original: who signed, in which capacity, when, the
    anchor it chains to, and pyHanko's validation report, kept with the document."""

    class Role(models.TextChoices):
        SIGNER = "signer", _("Competent person")
        ORGANISATION = "organisation", _("Organisation")

    document = models.ForeignKey(
        "recognition.Document",
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("document"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(_("signs as"), max_length=12, choices=Role.choices)
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="+", verbose_name=_("certificate")
    )
    signer_subject = models.CharField(_("certificate subject"), max_length=500)
    signing_time = models.DateTimeField(_("signing time"))
    time_from_timestamp = models.BooleanField(_("time from a timestamp"), default=False)
    anchor_subject = models.CharField(_("trust anchor"), max_length=500)
    subfilter = models.CharField(max_length=40)
    report = models.TextField(_("validation report"))
    evidence = models.JSONField(_("validation evidence"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digital signature")
        verbose_name_plural = _("digital signatures")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="signature_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.position} {self.signer_subject}"
