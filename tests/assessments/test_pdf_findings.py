"""The probe's PDF findings: a forged cross-reference table (pypdf raised OverflowError, a 500) and
active content (scripts, launch actions) are refused as evidence with a clear message; the form, what
was typed and the other files of the same save are kept."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from assessments.models import Evidence
from tests.assessments.test_uploads import post_with_file
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def written(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(kind: str):
    def change(writer):
        action = {NameObject("/S"): NameObject(kind)}
        action[NameObject("/JS" if kind == "/JavaScript" else "/F")] = TextStringObject("app.alert(1)")
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(action)

    return change


def page_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/JavaScript")})}
    )


def document_javascript(writer):
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("auto"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


ACTIVE = {
    "open-action-javascript": written(open_action("/JavaScript")),
    "open-action-launch": written(open_action("/Launch")),
    "document-javascript": written(document_javascript),
    "page-additional-action": written(page_action),
}


def forged_xref() -> bytes:
    body = re.sub(rb"/Size \d+", b"/Size 99999999999", PDF_BYTES)
    return re.sub(rb"startxref\s+\d+", b"startxref\n99999999999999999999", body)


def two_files(client, dossier, first):
    """One save with the bad file on the first criterion and a good PDF on the second."""
    second = dossier.applicable_criteria()[1]
    return post_with_file(
        client,
        dossier,
        first,
        **{f"evidence_{second.pk}": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, "application/pdf")},
    )


@pytest.mark.district_clock
def test_a_forged_cross_reference_table_is_refused_and_the_other_file_kept(client, people, dossier):
    client.force_login(people.officer)
    response = two_files(client, dossier, SimpleUploadedFile("bao-cao.pdf", forged_xref(), "application/pdf"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "tệp có phần đầu giống PDF nhưng không phải là tài liệu PDF đọc được" in page
    assert "Giải trình đã nhập" in page
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["bien-ban.pdf"]


@pytest.mark.district_clock
@pytest.mark.parametrize("name", ACTIVE)
def test_a_pdf_with_active_content_is_refused_with_how_to_send_a_plain_copy(client, people, dossier, name):
    client.force_login(people.officer)
    response = two_files(client, dossier, SimpleUploadedFile(f"{name}.pdf", ACTIVE[name], "application/pdf"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "nội dung chủ động" in page and "in ra PDF" in page
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["bien-ban.pdf"]


@pytest.mark.district_clock
def test_a_plain_pdf_with_a_link_is_accepted(client, people, dossier):
    def link(writer):
        writer.add_uri(0, "https://nghean.gov.vn", [10, 10, 100, 30])

    client.force_login(people.officer)
    response = post_with_file(
        client, dossier, SimpleUploadedFile("lien-ket.pdf", written(link), "application/pdf")
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == 1
