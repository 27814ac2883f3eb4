"""Reading an X.509 certificate or CRL the administrator uploads (PEM or DER): the facts the registry keeps."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization


class UnreadableCertificate(ValueError):
    pass


@dataclass(frozen=True)
class CertificateFacts:
    der: bytes
    sha256: str
    subject: str
    issuer: str
    serial: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    is_ca: bool
    self_signed: bool


def certificate_facts(data: bytes) -> CertificateFacts:
    """The facts of a certificate in PEM or DER; UnreadableCertificate if it is neither."""
    try:
        cert = (
            x509.load_pem_x509_certificate(data)
            if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data)
        )
    except ValueError as error:
        raise UnreadableCertificate(str(error)) from error
    der = cert.public_bytes(serialization.Encoding.DER)
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateFacts(
        der=der,
        sha256=hashlib.sha256(der).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_ca=is_ca,
        self_signed=cert.subject == cert.issuer,
    )


def readable_name(name: x509.Name) -> str:
    """A certificate's name as an official reads it: its common name, then its organisation
    ("Nguyễn Văn A — Ủy ban nhân dân tỉnh Nghệ An"), never the attribute labels."""
    parts = [
        str(attribute.value)
        for oid in (x509.oid.NameOID.COMMON_NAME, x509.oid.NameOID.ORGANIZATION_NAME)
        for attribute in name.get_attributes_for_oid(oid)
    ]
    return " — ".join(parts) or name.rfc4514_string()


def subject_of(der: bytes) -> str:
    return readable_name(x509.load_der_x509_certificate(der).subject)


@dataclass(frozen=True)
class RevocationListFacts:
    der: bytes
    issuer: str
    this_update: datetime.datetime
    next_update: datetime.datetime | None


def revocation_list_facts(data: bytes) -> RevocationListFacts:
    try:
        crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)
    except ValueError as error:
        raise UnreadableCertificate(str(error)) from error
    return RevocationListFacts(
        der=crl.public_bytes(serialization.Encoding.DER),
        issuer=crl.issuer.rfc4514_string(),
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
    )


def common_name(der: bytes) -> str:
    cert = x509.load_der_x509_certificate(der)
    names = cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""
