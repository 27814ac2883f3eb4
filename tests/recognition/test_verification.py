"""Anyone can verify a printed document: its code (and QR code) leads to a public page with its kind,
number, date, issuing body, commune, outcome, standing today and the SHA-256 of the issued file."""

import datetime
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "verify"}}


@pytest.fixture
def issued(people, django_capture_on_commit_callbacks):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
        )
    document = Document.objects.get(decision=decision, kind="recognition")
    return services.document_render(document_id=document.pk)


@pytest.mark.district_clock
def test_the_document_prints_its_code_and_a_qr_code(issued):
    html = render_html(issued)
    assert issued.verification_display in html and "/verify/" + issued.verification_code in html
    assert "<svg" in html and "Mã xác thực" in html


@pytest.mark.district_clock
def test_the_public_page_shows_what_the_document_is_and_its_standing(client, issued, people):
    import time_machine

    with time_machine.travel(datetime.date(2025, 3, 1), tick=False):  # the recognition of 2024 stands
        response = client.get(reverse("verify", args=[issued.verification_display]))  # typed with its dash
    page = response.content.decode()
    assert response.status_code == 200
    for fact in (
        issued.decision.number_display,
        "Xã Mỹ Lý",
        "Ủy ban nhân dân huyện Kỳ Sơn",
        issued.sha256,
        "Còn hiệu lực",
    ):
        assert fact in page
    for private in ("Đã rà soát", people.officer.username, "evidence"):  # no answers, people or files
        assert private not in page
    with time_machine.travel(datetime.date(2026, 1, 15), tick=False):
        later = client.get(reverse("verify", args=[issued.verification_code])).content.decode()
    assert "Không còn hiệu lực" in later and "31/12/2025" in later  # lapsed at the end of 2025

    # The commune no longer qualifies: the recognition is revoked.
    services.decision_revoke(
        decision=issued.decision,
        actor=people.chair,
        incident_date=datetime.date(2024, 11, 20),
        decided_on=datetime.date(2024, 12, 1),
        incident_description="Phát hiện điểm sử dụng ma túy",
        reason="Không còn đạt tiêu chí",
    )
    page = client.get(reverse("verify", args=[issued.verification_code])).content.decode()
    assert "Đã bị thu hồi theo quyết định" in page and "01/12/2024" in page


def test_an_unknown_code_says_so_plainly(client, people):
    response = client.get(reverse("verify", args=["ZZZZZ-ZZZZZ"]))
    assert response.status_code == 404
    assert "ZZZZZ-ZZZZZ" in response.content.decode()


@pytest.mark.district_clock
@override_settings(CACHES=LOCMEM, VERIFY_REQUESTS_PER_MINUTE=5)
def test_lookups_are_rate_limited(client, issued):
    from django.core.cache import cache

    cache.clear()
    codes = [reverse("verify", args=[f"AAAA{i}-00000"]) for i in range(6)]
    statuses = [client.get(url).status_code for url in codes]
    assert statuses[:5] == [404] * 5 and statuses[5] == 429


@pytest.mark.district_clock
def test_the_hash_on_the_page_is_the_issued_files(client, issued):
    import hashlib

    content = issued.file.open("rb").read()
    assert hashlib.sha256(content).hexdigest() == issued.sha256
    changed = bytearray(content)
    changed[len(changed) // 2] ^= 1
    assert hashlib.sha256(bytes(changed)).hexdigest() != issued.sha256
    assert io.BytesIO(content).read(4) == b"%PDF"
