"""What an electronic issuing body needs, set up for a test: the province's trust and the certificates."""

from communes.models import IssuingBody
from esign.models import RevocationList, TrustAnchor
from esign.services import certificate_record
from tests.esign.pki import pki


def make_electronic(body: IssuingBody, province, *, admin) -> IssuingBody:
    """`body` issues electronically; `province` trusts the test root (with its intermediate and CRLs);
    the body's organisation certificate is on file."""
    ca = pki()
    body.issuance, body.numbering = IssuingBody.Issuance.ELECTRONIC, IssuingBody.Numbering.APPLICATION
    body.full_clean()
    body.save()
    for cert, is_root in ((ca.root, True), (ca.intermediate, False)):
        anchor = TrustAnchor(province=province, is_root=is_root)
        anchor.read(cert.der)
        anchor.save()
    for data in ca.crls:
        crl = RevocationList(province=province)
        crl.read(data)
        crl.save()
    certificate_record(data=ca.organisation.der, actor=admin, issuing_body=body)
    return body
