"""What an electronic issuing body needs, set up for a test: the province's trust and the certificates."""

import datetime

from communes.models import IssuingBody
from esign.models import RevocationList, TrustAnchor
from esign.services import certificate_record
from recognition import services
from recognition.models import Document
from tests import workflow
from tests.esign.pki import pki
from tests.factories import DossierFactory


def trust_test_root(province) -> None:
    """`province` trusts the test root, with its intermediate and their CRLs (uploaded)."""
    ca = pki()
    for cert, is_root in ((ca.root, True), (ca.intermediate, False)):
        anchor = TrustAnchor(province=province, is_root=is_root)
        anchor.read(cert.der)
        anchor.save()
    for data in ca.crls:
        crl = RevocationList(province=province)
        crl.read(data)
        crl.save()


def make_electronic(body: IssuingBody, province, *, admin) -> IssuingBody:
    """`body` issues electronically; `province` trusts the test root (with its intermediate and CRLs);
    the body's organisation certificate is on file."""
    ca = pki()
    body.issuance, body.numbering = IssuingBody.Issuance.ELECTRONIC, IssuingBody.Numbering.APPLICATION
    body.full_clean()
    body.save()
    trust_test_root(province)
    certificate_record(data=ca.organisation.der, actor=admin, issuing_body=body)
    return body


def recognition_document(
    people, capture_on_commit, *, year: int = 2024, decided_on=datetime.date(2024, 11, 5)
):
    """Kỳ Sơn's chair recognises Mỹ Lý for `year` (appraised on 1 October 2024): the decision's own
    document, rendered once the transaction commits."""
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=year), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    with capture_on_commit(execute=True):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=decided_on
        )
    return Document.objects.get(decision=decision, kind=Document.Kind.RECOGNITION)
