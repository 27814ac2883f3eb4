"""An electronic decision signed in Chromium: the chair uploads the file he signed, the clerk adds the
organisation's signature, and /verify/ shows both signatures; the browser's hash check holds for the
signed original, not for the unsigned file nor for the original with one byte changed."""

import datetime

import pytest

from communes.models import IssuingBody
from esign.services import certificate_record
from recognition import services
from recognition.models import Document
from tests import workflow
from tests.esign.pki import pki, sign
from tests.esign.world import make_electronic
from tests.factories import DossierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose(page, data: bytes, name: str, selector: str = "#signed_file"):
    page.set_input_files(selector, files=[{"name": name, "mimeType": "application/pdf", "buffer": data}])


@pytest.mark.district_clock
def test_the_chair_and_the_clerk_sign_and_verify_shows_it(live_server, page, screenshot, sign_in, people):
    ca = pki()
    make_electronic(
        IssuingBody.objects.get(code=people.ky_son.code), people.my_ly.province, admin=people.admin
    )
    certificate_record(data=ca.chairman.der, actor=people.admin, user=people.chair)
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    decision = services.decision_record(
        dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
    )
    document = Document.objects.get(decision=decision, kind="recognition")
    document = services.document_render(document_id=document.pk)
    assert document.signature_stage == "signer"
    rendered = document.file.open("rb").read()

    sign_in("chair")
    page.goto(f"{live_server.url}/signatures/awaiting/")
    page.click(f"a[href='/documents/{document.pk}/signing/']")
    # A refusal first: the organisation's certificate where the chair's is expected; the page says why.
    _choose(page, sign(rendered, ca.organisation), "sai.pdf")
    page.click("#signature-upload button[type=submit]")
    assert "người có thẩm quyền" in page.inner_text("#upload-error")
    screenshot("signing-01-a-refusal-says-why")
    signed = sign(rendered, ca.chairman)
    _choose(page, signed, "da-ky.pdf")
    page.click("#signature-upload button[type=submit]")
    page.wait_for_selector("[data-signature-stage='organisation']")
    screenshot("signing-02-the-chair-has-signed")

    sign_in("clerk")
    page.goto(f"{live_server.url}/documents/{document.pk}/signing/")
    final = sign(signed, ca.organisation, field="ChuKy2")
    _choose(page, final, "ban-goc.pdf")
    page.click("#signature-upload button[type=submit]")
    page.wait_for_selector("[data-signature-stage='signed']")
    screenshot("signing-03-the-electronic-original")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/{document.verification_display}/")
    assert page.locator("[data-signatures] tbody tr").count() == 2
    screenshot("signing-04-verify-shows-both-signatures")
    _choose(page, final, "ban-goc.pdf", "#copy")
    page.wait_for_selector("#copy-result[data-match='yes']")
    _choose(page, rendered, "chua-ky.pdf", "#copy")
    page.wait_for_selector("#copy-result[data-match='no']")
    changed = bytearray(final)
    changed[len(changed) // 2] ^= 1
    _choose(page, bytes(changed), "ban-sao.pdf", "#copy")
    page.wait_for_selector("#copy-result[data-match='no']")
