"""Validation of a digitally signed file brought by upload (kiểm tra chữ ký số), with pyHanko.

Pure: given the file the application rendered, the uploaded file and what the province trusts, it
returns the facts of each signature or raises SignatureRefused naming the failed check in Vietnamese.
Nothing here reads the database; the services pass the trust anchors, certificates and CRLs in.

The checks, in order: the upload is the rendered file with signatures appended (never re-saved); it
carries the signatures the step expects; each is intact and valid, by an accepted SubFilter, with nothing
but signatures added after the signer's (pyHanko's difference analysis: at most FORM_FILLING); each
certificate chains to a configured trust anchor and was valid, and not revoked, at the signing time (the
timestamp's, else the claimed one), revocation being required; the last revision still identifies itself
as PDF/A-3B with its sRGB output intent, unencrypted and without JavaScript.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import (
    MultivaluedAttributeError,
    NonexistentAttributeError,
    find_unique_cms_attribute,
)
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from .certificates import subject_of

ACCEPTED_SUBFILTERS = ("/adbe.pkcs7.detached", "/ETSI.CAdES.detached")


class SignatureRefused(Exception):
    """An upload refused: `check` names the failed check, `message` says it to the official."""

    def __init__(self, check: str, message: str, *, certificate_der: bytes = b""):
        super().__init__(message)
        self.check = check
        self.message = message
        # The certificate a "not on file" refusal names: it may be suggested for confirmation.
        self.certificate_der = certificate_der


@dataclass(frozen=True)
class Trust:
    """What the province trusts: its anchors (roots) and intermediates (DER), the CRLs the administrator
    uploaded (DER), and whether revocation data may be fetched from the network."""

    roots: list[bytes]
    intermediates: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    allow_fetching: bool = False


@dataclass(frozen=True)
class SignatureFacts:
    """One signature as validated: its place, certificate, time and the anchor it chains to."""

    position: int
    field_name: str
    subfilter: str
    certificate_der: bytes
    certificate_sha256: str
    signer_subject: str
    signing_time: datetime.datetime
    time_source: str  # "timestamp" or "claimed"
    anchor_subject: str
    anchor_sha256: str
    revocation_source: str
    modification_level: str
    signed_revision: int
    summary: str
    # The evidence the validation rested on: the path to the anchor, the revocation data (the file's and
    # the uploaded CRLs) and the timestamp token, each by SHA-256 with what it is.
    evidence: dict = field(default_factory=dict)


def outside_event_loop(function, *args, **kwargs):
    """Run `function` on a thread of its own: pyHanko's synchronous calls start their own event loop
    (asyncio.run), which fails on a thread where one already runs (an ASGI server, a browser driver's
    greenlets, which asyncio.get_running_loop does not always see)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _load(data: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.root  # noqa: B018 - reading the catalogue proves the file parses
        return reader
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as error:
        raise SignatureRefused("pdf", _("The file is not a readable PDF file.")) from error


def _first_id(reader: PdfFileReader) -> bytes | None:
    try:
        ids = reader.trailer["/ID"]
        return bytes(ids[0].original_bytes)
    except (AttributeError, IndexError, KeyError, TypeError):
        return None


def _embedded_revinfo(reader: PdfFileReader, embedded) -> tuple[list, list, list]:
    """The certificates, CRLs and OCSP responses the file carries: its DSS and, for each signature, the
    revocation-info archival attribute (adbe-revocationInfoArchival)."""
    certs: list = []
    crls: list = []
    ocsps: list = []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        certs.extend(dss.load_certs())
        crls.extend(asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls)
        from asn1crypto import ocsp as asn1_ocsp

        ocsps.extend(asn1_ocsp.OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps)
    except NoDSSFoundError:
        pass
    for sig in embedded:
        certs.extend(sig.other_embedded_certs)
        try:
            archive = find_unique_cms_attribute(
                sig.signer_info["signed_attrs"], "adobe_revocation_info_archival"
            )
        except (NonexistentAttributeError, MultivaluedAttributeError):
            continue
        crls.extend(archive["crl"] or [])
        ocsps.extend(archive["ocsp"] or [])
    return certs, crls, ocsps


def _context(trust: Trust, certs, crls, ocsps, *, moment=None, mode="require") -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in trust.roots],
        other_certs=[asn1_x509.Certificate.load(der) for der in trust.intermediates] + list(certs),
        crls=[asn1_crl.CertificateList.load(der) for der in trust.crls] + list(crls),
        ocsps=list(ocsps),
        allow_fetching=trust.allow_fetching,
        revocation_mode=mode,
        moment=moment,
        # Revocation data issued after the signing time still tells whether the certificate stood then.
        retroactive_revinfo=moment is not None,
    )


def _trust_problem(cert, context: ValidationContext, position: int) -> SignatureRefused:
    """Why a certificate did not validate, by certvalidator's own verdict."""

    async def validate():
        try:
            await CertificateValidator(cert, validation_context=context).async_validate_usage(set())
        finally:
            # Close the network session the context opened to fetch revocation data, in its own loop.
            await context.aclose()

    try:
        asyncio.run(validate())
    except cv_errors.RevokedError:
        return SignatureRefused(
            "revoked",
            _("Signature %(n)s: the certificate was revoked before the signing time.") % {"n": position},
        )
    except cv_errors.InsufficientRevinfoError:
        return SignatureRefused(
            "revocation",
            _("Signature %(n)s: the revocation status of the certificate cannot be established.")
            % {"n": position},
        )
    except (cv_errors.ExpiredError, cv_errors.NotYetValidError):
        return SignatureRefused(
            "expired",
            _(
                "Signature %(n)s: the certificate was not valid at the signing time (expired or not yet valid)."
            )
            % {"n": position},
        )
    except (cv_errors.PathBuildingError, cv_errors.PathValidationError, ValueError):
        pass
    return SignatureRefused(
        "untrusted",
        _("Signature %(n)s: the certificate does not chain to a trust anchor configured for the province.")
        % {"n": position},
    )


def _check_pdfa(reader: PdfFileReader) -> None:
    """The last revision keeps its PDF/A-3B identification and sRGB output intent; no encryption, no
    JavaScript. (Full PDF/A conformance is not validated: no validator is available.)"""
    root = reader.root
    problem = None
    if reader.encrypted:
        problem = _("the file is encrypted")
    elif "/JavaScript" in (root.get("/Names") or {}) or "/AA" in root:
        problem = _("the file carries JavaScript or automatic actions")
    else:
        open_action = root.get("/OpenAction")
        if open_action is not None and hasattr(open_action, "get") and open_action.get("/S") == "/JavaScript":
            problem = _("the file carries JavaScript or automatic actions")
    if problem is None:
        metadata = root.get("/Metadata")
        xmp = metadata.get_object().data.decode("utf-8", "replace") if metadata is not None else ""
        part = re.search(r"pdfaid:part(?:=\"|>)\s*3\b", xmp)
        conformance = re.search(r"pdfaid:conformance(?:=\"|>)\s*B\b", xmp)
        intents = root.get("/OutputIntents") or []
        srgb = any(
            i.get_object().get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i.get_object()
            for i in intents
        )
        if not (part and conformance):
            problem = _("its XMP metadata no longer identifies it as PDF/A-3B")
        elif not srgb:
            problem = _("its sRGB output intent is missing")
    if problem:
        raise SignatureRefused(
            "pdfa", _("The signed file is no longer a PDF/A document: %(why)s.") % {"why": problem}
        )


def _evidence(sig, status, trust: Trust, crls, ocsps) -> dict:
    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    path = []
    if status.validation_path is not None:
        for cert in status.validation_path.iter_certs(include_root=True):
            path.append({"sha256": sha(cert.dump()), "subject": subject_of(cert.dump())})
    revocation = [
        {
            "kind": "CRL",
            "from": "file",
            "sha256": sha(c.dump()),
            "this_update": c["tbs_cert_list"]["this_update"].native.isoformat(),
        }
        for c in crls
    ] + [{"kind": "OCSP", "from": "file", "sha256": sha(o.dump())} for o in ocsps]
    revocation += [{"kind": "CRL", "from": "uploaded", "sha256": sha(der)} for der in trust.crls]
    stamp = status.timestamp_validity
    try:
        token = find_unique_cms_attribute(sig.signer_info["unsigned_attrs"], "signature_time_stamp_token")
    except (NonexistentAttributeError, MultivaluedAttributeError):
        token = None
    timestamp = (
        {
            "time": stamp.timestamp.isoformat(),
            "token_sha256": sha(token.dump()) if token is not None else "",
            "tsa": subject_of(stamp.signing_cert.dump()) if stamp.signing_cert is not None else "",
        }
        if stamp is not None
        else {}
    )
    return {"path": path, "revocation": revocation, "timestamp": timestamp}


def _signing_time(sig, trust: Trust, certs, crls, ocsps) -> tuple[datetime.datetime, str]:
    """The timestamp's time when the signature carries a valid, trusted one; else the time it claims."""
    status = validate_pdf_signature(
        sig, _context(trust, certs, crls, ocsps, mode="soft-fail"), skip_diff=True
    )
    stamp = status.timestamp_validity
    if stamp is not None and stamp.intact and stamp.valid and stamp.trusted:
        return stamp.timestamp, "timestamp"
    claimed = status.signer_reported_dt or sig.self_reported_timestamp
    if claimed is None:
        raise SignatureRefused("time", _("The signature carries no signing time."))
    return claimed, "claimed"


def validate_signed_upload(
    *, rendered: bytes, uploaded: bytes, signatures: int, trust: Trust
) -> list[SignatureFacts]:
    """Validate `uploaded` as `rendered` with `signatures` digital signatures appended, one revision
    each after the rendered one. Returns each signature's facts, in order; raises SignatureRefused."""
    return outside_event_loop(_validate, rendered, uploaded, signatures, trust)


def validate_signed_file(*, uploaded: bytes, trust: Trust) -> list[SignatureFacts]:
    """Validate a signed file the application did not render (a decision issued outside it and recorded
    afterwards): every signature it carries, at least one, with the same checks of integrity, trust,
    revocation and modification as an upload; it is compared with no rendered file."""
    return outside_event_loop(_validate, None, uploaded, None, trust)


def _validate(
    rendered: bytes | None, uploaded: bytes, signatures: int | None, trust: Trust
) -> list[SignatureFacts]:
    if not trust.roots:
        raise SignatureRefused(
            "anchors",
            _("No trust anchor is configured for the province: a digitally signed file cannot be accepted."),
        )
    reader = _load(uploaded)
    if rendered is not None and not uploaded.startswith(rendered):
        same_document = _first_id(reader) is not None and _first_id(reader) == _first_id(_load(rendered))
        if same_document:
            raise SignatureRefused(
                "resaved",
                _("The signing tool rewrote the whole file; sign in incremental (append) mode."),
            )
        raise SignatureRefused(
            "other_file",
            _("The file signed is not the final file of this document (another file, or an earlier draft)."),
        )
    embedded = list(reader.embedded_signatures)
    if signatures is None:  # a file from outside: whatever it carries, at least one
        signatures = max(len(embedded), 1)
    if len(embedded) < signatures:
        raise SignatureRefused(
            "missing",
            _("The file carries %(found)s digital signature(s); this step needs %(needed)s.")
            % {"found": len(embedded), "needed": signatures},
        )
    if len(embedded) > signatures:
        raise SignatureRefused(
            "extra",
            _("The file carries %(found)s digital signatures; this step needs %(needed)s.")
            % {"found": len(embedded), "needed": signatures},
        )
    embedded.sort(key=lambda s: s.signed_revision)
    if rendered is not None and embedded[0].signed_revision != _load(rendered).xrefs.total_revisions:
        raise SignatureRefused(
            "revision", _("The first signature does not sign the revision the application rendered.")
        )
    certs, crls, ocsps = _embedded_revinfo(reader, embedded)
    facts = []
    for position, sig in enumerate(embedded, start=1):
        subfilter = str(sig.sig_object.get("/SubFilter", ""))
        if subfilter not in ACCEPTED_SUBFILTERS:
            raise SignatureRefused(
                "subfilter",
                _(
                    "Signature %(n)s has the SubFilter %(sub)s; a PAdES or PKCS#7 detached signature is needed."
                )
                % {"n": position, "sub": subfilter or "—"},
            )
        moment, source = _signing_time(sig, trust, certs, crls, ocsps)
        context = _context(trust, certs, crls, ocsps, moment=moment)
        try:
            status = validate_pdf_signature(sig, context)
        except SignatureValidationError as error:
            raise SignatureRefused(
                "invalid", _("Signature %(n)s cannot be validated: %(why)s") % {"n": position, "why": error}
            ) from error
        if not (status.intact and status.valid):
            raise SignatureRefused(
                "invalid",
                _(
                    "Signature %(n)s is not intact: the file was changed after it was signed, or it is damaged."
                )
                % {"n": position},
            )
        level = status.modification_level
        if level is None or level > ModificationLevel.FORM_FILLING:
            raise SignatureRefused(
                "modified", _("The file was changed after the competent person signed it.")
            )
        if not status.trusted:
            raise _trust_problem(
                sig.signer_cert, _context(trust, certs, crls, ocsps, moment=moment), position
            )
        path = status.validation_path
        anchor_cert = getattr(path.trust_anchor, "certificate", None) if path is not None else None
        anchor_der = anchor_cert.dump() if anchor_cert is not None else b""
        cert_der = sig.signer_cert.dump()
        facts.append(
            SignatureFacts(
                position=position,
                field_name=sig.field_name,
                subfilter=subfilter,
                certificate_der=cert_der,
                certificate_sha256=hashlib.sha256(cert_der).hexdigest(),
                signer_subject=subject_of(cert_der),
                signing_time=moment,
                time_source=source,
                anchor_subject=subject_of(anchor_der) if anchor_der else "",
                anchor_sha256=hashlib.sha256(anchor_der).hexdigest() if anchor_der else "",
                revocation_source="embedded" if (crls or ocsps) else "uploaded or fetched",
                modification_level=level.name,
                signed_revision=sig.signed_revision,
                summary=status.pretty_print_details(),
                evidence=_evidence(sig, status, trust, crls, ocsps),
            )
        )
    if rendered is not None:  # the application's own files are PDF/A; a file from outside may not be
        _check_pdfa(reader)
    return facts
