"""A body on paper: its clerk attaches the scan of the signed and stamped paper (a colour PDF of at
least 200 dpi), listed beside the issued file; anything else is refused with the reason."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.esign.world import recognition_document

pytestmark = pytest.mark.django_db


def scan(*, dpi: int = 200, mode: str = "RGB") -> bytes:
    """An A4 page scanned at `dpi`: blue ink and a red seal on white."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    image = Image.new(mode, (width, height), "white" if mode != "L" else 255)
    if mode == "RGB":
        image.paste((200, 20, 20), (width // 2, height // 2, width // 2 + dpi, height // 2 + dpi))
    out = io.BytesIO()
    image.save(out, "PDF", resolution=dpi)
    return out.getvalue()


@pytest.fixture
def issued(people, django_capture_on_commit_callbacks):
    return recognition_document(people, django_capture_on_commit_callbacks)


def _attach(client, document, data: bytes):
    return client.post(
        reverse("esign:document_signing", args=[document.pk]),
        {"scan": SimpleUploadedFile("ban-quet.pdf", data, content_type="application/pdf")},
    )


@pytest.mark.district_clock
def test_the_clerk_attaches_a_colour_scan_listed_beside_the_issued_file(people, issued, client):
    client.force_login(people.clerk)
    panel = client.get(reverse("recognition:documents_panel", args=[issued.dossier_id])).content.decode()
    assert reverse("esign:document_signing", args=[issued.pk]) in panel
    data = scan()
    assert _attach(client, issued, data).status_code == 302
    issued.refresh_from_db()
    import hashlib

    assert issued.scan_sha256 == hashlib.sha256(data).hexdigest()
    client.force_login(people.officer)  # the commune reads it beside the issued file
    panel = client.get(reverse("recognition:documents_panel", args=[issued.dossier_id])).content.decode()
    assert reverse("esign:scan_download", args=[issued.pk]) in panel
    response = client.get(reverse("esign:scan_download", args=[issued.pk]))
    assert b"".join(response.streaming_content) == data


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (scan(dpi=150), "150 dpi"),
        (scan(mode="L"), "màu"),
        (b"not a pdf", "PDF"),
    ],
)
def test_a_scan_below_200_dpi_in_grey_or_no_pdf_is_refused(people, issued, client, data, words):
    client.force_login(people.clerk)
    response = _attach(client, issued, data)
    assert response.status_code == 400
    assert words in response.content.decode()
    issued.refresh_from_db()
    assert not issued.scan


@pytest.mark.district_clock
def test_only_the_clerk_attaches_a_scan(people, issued, client):
    client.force_login(people.chair)
    response = _attach(client, issued, scan())
    assert response.status_code == 403
    issued.refresh_from_db()
    assert not issued.scan
