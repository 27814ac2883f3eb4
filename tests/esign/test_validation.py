"""The validation of a signed upload (esign.validation), check by check, on files signed by the stand-in
signer with the test PKI: what is accepted, and each refusal with the check it names."""

import datetime
import functools
import io

import pypdf
import pytest
import time_machine
import weasyprint
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter

from esign.validation import SignatureRefused, Trust, validate_signed_upload
from tests.esign.pki import NOW, crl, pki, sign, with_dss


@functools.cache
def rendered(text: str = "Số: 12/QĐ-UBND") -> bytes:
    return weasyprint.HTML(string=f"<h1>QUYẾT ĐỊNH</h1><p>{text}</p>").write_pdf(pdf_variant="pdf/a-3b")


def trust(**changes) -> Trust:
    ca = pki()
    values = {"roots": [ca.root.der], "intermediates": [ca.intermediate.der], "crls": ca.crls}
    values.update(changes)
    return Trust(**values)


def refused(
    uploaded: bytes, *, signatures: int = 1, base: bytes | None = None, **trust_changes
) -> SignatureRefused:
    with pytest.raises(SignatureRefused) as caught:
        validate_signed_upload(
            rendered=base or rendered(),
            uploaded=uploaded,
            signatures=signatures,
            trust=trust(**trust_changes),
        )
    return caught.value


def test_the_chairmans_signature_then_the_organisations_are_accepted():
    ca = pki()
    once = sign(rendered(), ca.chairman)
    twice = sign(once, ca.organisation, field="ChuKy2")
    facts = validate_signed_upload(rendered=rendered(), uploaded=twice, signatures=2, trust=trust())
    assert [f.signer_subject for f in facts] == [
        "Chủ tịch (thử nghiệm) — Ban Cơ yếu Chính phủ (thử nghiệm)",
        "Ủy ban nhân dân (thử nghiệm) — Ban Cơ yếu Chính phủ (thử nghiệm)",
    ]
    assert all(f.time_source == "timestamp" for f in facts)
    assert all("Root CA Ban Cơ yếu" in f.anchor_subject for f in facts)
    # The second signature reads as form filling after the first, and nothing more.
    assert [f.modification_level for f in facts] == ["FORM_FILLING", "NONE"]
    # The rendered file is revision 0; the signer's signature signs revision 1, directly after it.
    assert facts[0].signed_revision == 1


def test_both_subfilters_are_accepted():
    ca = pki()
    adobe = sign(rendered(), ca.chairman, subfilter=SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    [fact] = validate_signed_upload(rendered=rendered(), uploaded=adobe, signatures=1, trust=trust())
    assert fact.subfilter == "/adbe.pkcs7.detached"


def test_a_signature_over_another_file_or_an_earlier_draft_is_refused():
    ca = pki()
    draft = sign(rendered("DỰ THẢO"), ca.chairman)
    assert refused(draft).check == "other_file"


def test_a_file_the_tool_saved_again_whole_is_refused():
    reader = pypdf.PdfReader(io.BytesIO(rendered()))
    rewritten = io.BytesIO()
    pypdf.PdfWriter(clone_from=reader).write(rewritten)
    error = refused(sign(rewritten.getvalue(), pki().chairman))
    assert error.check == "resaved"
    assert error.message == "Công cụ ký đã ghi lại toàn bộ tệp; hãy ký theo chế độ ký nối tiếp."


def test_page_content_added_after_the_signature_is_refused():
    signed = sign(rendered(), pki().chairman)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    # A tool writing the number on the page after the signature: a content stream appended to page 1.
    number = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 72 Td (So: 15) Tj ET"))
    writer.add_stream_to_page(0, number)
    out = io.BytesIO()
    writer.write(out)
    assert refused(out.getvalue()).check == "modified"


def test_the_organisations_signature_alone_counts_as_one():
    error = refused(sign(rendered(), pki().organisation), signatures=2)
    assert error.check == "missing"


def test_an_untrusted_root_is_refused():
    assert refused(sign(rendered(), pki().stranger)).check == "untrusted"


def test_no_trust_anchor_configured_refuses_every_upload():
    error = refused(sign(rendered(), pki().chairman), roots=[])
    assert error.check == "anchors"


def test_an_expired_certificate_is_refused():
    assert refused(sign(rendered(), pki().expired)).check == "expired"


def test_a_revoked_certificate_is_refused_with_the_crl_only_uploaded():
    ca = pki()
    revoked_crl = crl(ca.intermediate, [(ca.revoked, NOW - datetime.timedelta(days=1))])
    error = refused(sign(rendered(), ca.revoked), crls=[crl(ca.root), revoked_crl])
    assert error.check == "revoked"


def test_a_revoked_certificate_is_refused_with_the_crl_embedded():
    ca = pki()
    revoked_crl = crl(ca.intermediate, [(ca.revoked, NOW - datetime.timedelta(days=1))])
    signed = with_dss(sign(rendered(), ca.revoked), [crl(ca.root), revoked_crl])
    assert refused(signed, crls=[]).check == "revoked"


def test_revocation_data_embedded_in_the_file_is_enough():
    ca = pki()
    signed = with_dss(sign(rendered(), ca.chairman), ca.crls)
    [fact] = validate_signed_upload(rendered=rendered(), uploaded=signed, signatures=1, trust=trust(crls=[]))
    assert fact.revocation_source == "embedded"


def test_an_unknown_revocation_status_is_refused():
    error = refused(sign(rendered(), pki().chairman), crls=[])
    assert error.check == "revocation"
    assert error.message


def test_a_certificate_revoked_after_a_timestamped_signing_time_is_accepted():
    ca = pki()
    signed = sign(rendered(), ca.revoked)
    later = NOW + datetime.timedelta(days=2)
    revoked_crl = crl(ca.intermediate, [(ca.revoked, NOW + datetime.timedelta(days=1))], this_update=later)
    with time_machine.travel(later + datetime.timedelta(hours=1)):
        [fact] = validate_signed_upload(
            rendered=rendered(),
            uploaded=signed,
            signatures=1,
            trust=trust(crls=[crl(ca.root, this_update=later), revoked_crl]),
        )
    assert fact.time_source == "timestamp"
    assert fact.signing_time < NOW + datetime.timedelta(days=1)


def test_the_pdfa_identification_survives_signing_and_its_loss_is_refused():
    ca = pki()
    twice = sign(sign(rendered(), ca.chairman), ca.organisation, field="ChuKy2")
    xmp = pypdf.PdfReader(io.BytesIO(twice)).xmp_metadata
    assert xmp is not None and "pdfaid" in xmp.stream.get_data().decode()
    validate_signed_upload(rendered=rendered(), uploaded=twice, signatures=2, trust=trust())
    # A file whose catalogue lost its metadata: refused, naming PDF/A.
    reader = pypdf.PdfReader(io.BytesIO(rendered()))
    writer = pypdf.PdfWriter(clone_from=reader)
    del writer._root_object["/Metadata"]
    stripped = io.BytesIO()
    writer.write(stripped)
    base = stripped.getvalue()
    assert refused(sign(base, ca.chairman), base=base).check == "pdfa"


@pytest.fixture
def crl_server():
    """A CRL distribution point on this machine: the files it serves, and the paths it was asked for."""
    import http.server
    import threading

    served: dict[str, bytes] = {}
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = served.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/pkix-crl")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served, asked
    server.shutdown()
    server.server_close()


def test_revocation_data_is_fetched_from_the_distribution_point_only_where_the_deployment_allows_it(
    crl_server,
):
    from tests.esign.pki import YEAR, issue

    base_url, served, asked = crl_server
    root = issue("Root CA phân phối (thử nghiệm)", ca=True, not_before=NOW - 5 * YEAR)
    official = issue("Chủ tịch (thử nghiệm)", by=root, crl_url=f"{base_url}/root.crl")
    signed = sign(rendered(), official, timestamp=False, chain=[root])
    fetching = Trust(roots=[root.der], allow_fetching=True)

    # Nothing uploaded, nothing embedded, fetching off: the status is unknown and the upload refused,
    # without a request leaving the machine.
    with pytest.raises(SignatureRefused) as caught:
        validate_signed_upload(
            rendered=rendered(), uploaded=signed, signatures=1, trust=Trust(roots=[root.der])
        )
    assert caught.value.check == "revocation"
    assert asked == []

    # Fetching on: the CRL comes from the certificate's distribution point.
    served["/root.crl"] = crl(root)
    [fact] = validate_signed_upload(rendered=rendered(), uploaded=signed, signatures=1, trust=fetching)
    assert asked and set(asked) == {"/root.crl"}
    assert fact.time_source == "claimed"

    # The fetched CRL lists the certificate as revoked an hour before: refused.
    served["/root.crl"] = crl(
        root, [(official, NOW - datetime.timedelta(hours=2))], this_update=NOW - datetime.timedelta(minutes=5)
    )
    with pytest.raises(SignatureRefused) as caught:
        validate_signed_upload(rendered=rendered(), uploaded=signed, signatures=1, trust=fetching)
    assert caught.value.check == "revoked"

    # The distribution point does not answer with a CRL: the status is unknown.
    del served["/root.crl"]
    with pytest.raises(SignatureRefused) as caught:
        validate_signed_upload(rendered=rendered(), uploaded=signed, signatures=1, trust=fetching)
    assert caught.value.check == "revocation"
