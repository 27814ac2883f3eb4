"""The public verification page in Chromium: the issued file matches, a copy with one byte changed does
not; the browser computes the hash, nothing is uploaded."""

import datetime

import pytest

from recognition import services
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.district_clock
def test_a_copy_is_checked_in_the_browser_without_signing_in(live_server, page, screenshot, people):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    decision = services.decision_record(
        dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
    )
    issued = services.document_render(
        document_id=Document.objects.get(decision=decision, kind="recognition").pk
    )
    content = issued.file.open("rb").read()
    uploads = []
    page.on("request", lambda request: request.method == "POST" and uploads.append(request.url))

    page.goto(f"{live_server.url}/verify/{issued.verification_display}/")
    page.set_input_files(
        "#copy", files=[{"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    page.wait_for_selector("#copy-result[data-match='yes']")
    assert "trùng khớp từng byte" in page.inner_text("#copy-result")
    screenshot("verify-01-the-issued-file")

    changed = bytearray(content)
    changed[len(changed) // 2] ^= 1
    page.set_input_files(
        "#copy", files=[{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": bytes(changed)}]
    )
    page.wait_for_selector("#copy-result[data-match='no']")
    assert "KHÔNG phải tệp đã ban hành" in page.inner_text("#copy-result")
    screenshot("verify-02-a-changed-copy")
    assert uploads == []  # nothing was sent
