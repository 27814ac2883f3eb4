"""The test PKI, made with `cryptography`: a root and an intermediate standing for the Government Cipher
Committee's, the officials' and the People's Committee's certificates, an expired one, one to be revoked,
one under a root nobody configured, and a timestamping authority. End entities name a CRL distribution
point. Built once per test process."""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

UTC = datetime.UTC
NOW = datetime.datetime.now(UTC)
YEAR = datetime.timedelta(days=365)
CRL_URL = "http://crl.ca.gov.vn.test/"


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue(
    cn: str,
    *,
    by: Issued | None = None,
    ca=False,
    tsa=False,
    not_before=None,
    not_after=None,
    org="Ban Cơ yếu Chính phủ (thử nghiệm)",
    crl_url: str = CRL_URL + "ca.crl",
) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(by.cert.subject if by else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Valid since three years back: the district procedure's tests sign on a clock of June 2025.
        .not_valid_before(not_before or NOW - 3 * YEAR)
        .not_valid_after(not_after or NOW + YEAR)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if by is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(by.key.public_key()), critical=False
        ).add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Issued(builder.sign(by.key if by else key, hashes.SHA256()), key)


def crl(issuer: Issued, revoked: list[tuple[Issued, datetime.datetime]] = (), *, this_update=None) -> bytes:
    """The issuer's CRL, issued an hour before the test's clock (or at `this_update`), next update in a
    week."""
    this_update = this_update or datetime.datetime.now(UTC) - datetime.timedelta(hours=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update)
        .next_update(this_update + datetime.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for holder, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(holder.cert.serial_number)
            .revocation_date(when)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Pki:
    root: Issued
    intermediate: Issued
    chairman: Issued
    vice_chair: Issued
    organisation: Issued
    expired: Issued
    revoked: Issued
    stranger_root: Issued
    stranger: Issued
    tsa: Issued

    @property
    def crls(self) -> list[bytes]:
        """Every CA's CRL, nobody revoked."""
        return [crl(self.root), crl(self.intermediate)]


@functools.cache
def pki() -> Pki:
    root = issue(
        "Root CA Ban Cơ yếu (thử nghiệm)", ca=True, not_before=NOW - 5 * YEAR, not_after=NOW + 10 * YEAR
    )
    intermediate = issue(
        "CA Chính phủ (thử nghiệm)", by=root, ca=True, not_before=NOW - 4 * YEAR, not_after=NOW + 8 * YEAR
    )
    stranger_root = issue(
        "Root CA khác", ca=True, not_before=NOW - 5 * YEAR, not_after=NOW + 10 * YEAR, org="Khác"
    )
    return Pki(
        root=root,
        intermediate=intermediate,
        chairman=issue("Chủ tịch (thử nghiệm)", by=intermediate),
        vice_chair=issue("Phó Chủ tịch (thử nghiệm)", by=intermediate),
        organisation=issue("Ủy ban nhân dân (thử nghiệm)", by=intermediate),
        expired=issue(
            "Hết hạn (thử nghiệm)", by=intermediate, not_before=NOW - 2 * YEAR, not_after=NOW - YEAR
        ),
        revoked=issue("Bị thu hồi (thử nghiệm)", by=intermediate),
        stranger_root=stranger_root,
        stranger=issue("Người lạ", by=stranger_root),
        tsa=issue("TSA (thử nghiệm)", by=intermediate, tsa=True),
    )


def sign(
    data: bytes,
    holder: Issued,
    *,
    field: str = "ChuKy1",
    timestamp: bool = True,
    embed_crls: list[bytes] | None = None,
    subfilter=SigSeedSubFilter.PADES,
    chain: list[Issued] | None = None,
) -> bytes:
    """The stand-in signer: pyHanko's incremental PAdES signature, as an official's tool would append it.
    `chain` is the holder's issuers (the test PKI's intermediate and root unless given)."""
    from esign.validation import outside_event_loop

    return outside_event_loop(_sign, data, holder, field, timestamp, embed_crls, subfilter, chain)


def _sign(data, holder, field, timestamp, embed_crls, subfilter, chain) -> bytes:
    ca = pki()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    signer = signers.SimpleSigner(
        signing_cert=holder.asn1,
        signing_key=holder.asn1_key,
        cert_registry=SimpleCertificateStore.from_certs(
            [issuer.asn1 for issuer in chain or [ca.intermediate, ca.root]]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=subfilter,
        md_algorithm="sha256",
        embed_validation_info=embed_crls is not None,
        validation_context=ValidationContext(
            trust_roots=[ca.root.asn1, ca.stranger_root.asn1], crls=embed_crls, revocation_mode="soft-fail"
        )
        if embed_crls is not None
        else None,
    )
    stamper = (
        DummyTimeStamper(
            tsa_cert=ca.tsa.asn1,
            tsa_key=ca.tsa.asn1_key,
            certs_to_embed=SimpleCertificateStore.from_certs([ca.intermediate.asn1]),
        )
        if timestamp
        else None
    )
    out = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=signer, timestamper=stamper, output=out)
    return out.getvalue()


def with_dss(signed: bytes, crls: list[bytes]) -> bytes:
    """The signed file with the CRLs appended in its document security store (PAdES DSS), as a tool that
    embeds revocation data does."""
    from asn1crypto import crl as asn1_crl
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    stream = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(stream, None, crls=[asn1_crl.CertificateList.load(c) for c in crls])
    return stream.getvalue()
