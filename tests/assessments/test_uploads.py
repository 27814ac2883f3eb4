"""Evidence uploads: recognised by content, size-limited, stored under a generated name, served only
through the permission-checked view."""

import hashlib
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Evidence
from tests import workflow
from tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def post_with_file(client, dossier, upload, **extra):
    criterion = dossier.applicable_criteria()[0]
    data = {"version": dossier.version, f"evidence_{criterion.pk}": upload}
    for c in dossier.applicable_criteria():
        data.setdefault(f"value_{c.pk}", "1" if c.measure == "boolean" else "0")
        data.setdefault(f"explanation_{c.pk}", "Giải trình đã nhập")
    data.update(extra)
    return client.post(reverse("assessments:self_assessment", args=[dossier.pk]), data)


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bao-cao.pdf", ELF_BYTES, "không phải PDF"),  # a renamed Linux executable
        ("bien-ban.pdf", MZ_BYTES, "không phải PDF"),  # a renamed Windows executable
        ("rong.pdf", b"", "rỗng"),
    ],
    ids=["renamed-elf", "renamed-exe", "empty"],
)
def test_a_refused_file_gives_a_clear_message_and_keeps_the_draft(
    client, people, dossier, name, content, expected
):
    client.force_login(people.officer)
    response = post_with_file(client, dossier, SimpleUploadedFile(name, content))

    assert response.status_code == 400
    text = response.content.decode()
    assert expected in text
    assert "Giải trình đã nhập" in text  # what was typed is still on the page
    assert Evidence.objects.count() == 0
    assert dossier.answers.count() == 3  # the draft answers were saved, not lost


@pytest.mark.district_clock
def test_an_oversize_file_is_refused(client, people, dossier, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(people.officer)
    big = PDF_BYTES + b"0" * (1024 * 1024)
    response = post_with_file(client, dossier, SimpleUploadedFile("lon.pdf", big))
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.content.decode()
    assert Evidence.objects.count() == 0


@pytest.mark.district_clock
def test_a_path_and_unicode_in_the_name_are_stored_safely(client, people, dossier, settings):
    client.force_login(people.officer)
    # A path and decomposed Vietnamese (as some keyboards send it).
    name = "../../etc/" + unicodedata.normalize("NFD", "Biên bản rà soát.png")
    response = post_with_file(client, dossier, SimpleUploadedFile(name, PNG_BYTES))
    assert response.status_code == 302

    evidence = Evidence.objects.get()
    assert evidence.original_name == "Biên bản rà soát.png"  # NFC, without the path
    assert "/" not in evidence.original_name and ".." not in evidence.original_name
    assert evidence.file.name.startswith(f"evidence/{dossier.pk}/") and evidence.file.name.endswith(".png")
    assert evidence.content_type == "image/png"
    assert evidence.sha256 == hashlib.sha256(PNG_BYTES).hexdigest()
    assert str(settings.MEDIA_ROOT) in evidence.file.path


@pytest.mark.district_clock
def test_the_type_comes_from_the_content_not_the_extension(client, people, dossier):
    client.force_login(people.officer)
    post_with_file(client, dossier, SimpleUploadedFile("anh-chup.pdf", PNG_BYTES))
    evidence = Evidence.objects.get()
    assert (evidence.extension, evidence.content_type) == ("png", "image/png")


@pytest.mark.district_clock
def test_evidence_is_downloaded_through_the_checked_view_with_its_name(client, people, dossier):
    workflow.fill(dossier, people.officer)
    evidence = Evidence.objects.get()
    url = reverse("assessments:evidence_download", args=[dossier.pk, evidence.pk])

    client.force_login(people.police)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"

    client.force_login(people.other_police)
    assert client.get(url).status_code == 404


@pytest.mark.district_clock
def test_media_files_are_not_served_by_url(client, people, dossier):
    workflow.fill(dossier, people.officer)
    evidence = Evidence.objects.get()
    client.force_login(people.police)
    assert client.get("/media/" + evidence.file.name).status_code == 404
    assert client.get("/media-not-served/" + evidence.file.name).status_code == 404


@pytest.mark.district_clock
def test_evidence_can_be_removed_only_while_the_dossier_is_editable(client, people, dossier):
    workflow.fill(dossier, people.officer)
    evidence = Evidence.objects.get()
    client.force_login(people.officer)
    url = reverse("assessments:evidence_delete", args=[dossier.pk, evidence.pk])
    client.post(url)
    assert Evidence.objects.count() == 0

    submitted = workflow.submit(dossier, people.officer)
    evidence = submitted.evidence.get()
    response = client.post(
        reverse("assessments:evidence_delete", args=[dossier.pk, evidence.pk]), follow=True
    )
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert "không thể sửa nữa" in response.content.decode()


@pytest.mark.district_clock
def test_a_docx_is_accepted(client, people, dossier):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    client.force_login(people.officer)
    response = post_with_file(client, dossier, SimpleUploadedFile("Ke hoach.docx", buffer.getvalue()))
    assert response.status_code == 302
    assert Evidence.objects.get().extension == "docx"
