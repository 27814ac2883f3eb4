"""Hostile uploads: each file is refused with a clear message (the draft intact), or stored and served
under a safe name with the extension of what it really is."""

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Evidence
from tests.assessments.test_uploads import post_with_file
from tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
VBSCRIPT = b'<script language="VBScript">CreateObject("WScript.Shell").Run "cmd"</script>'


def served_name(client, dossier, evidence) -> str:
    response = client.get(reverse("assessments:evidence_download", args=[dossier.pk, evidence.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''")[1])
    return disposition.split('filename="')[1].rstrip('"')


STORED = [
    # (uploaded name, content, name stored and served)
    ("Quyet-dinh-cong-nhan.html", PDF_BYTES, "Quyet-dinh-cong-nhan.pdf"),
    ("chay-toi.bat", PNG_BYTES, "chay-toi.png"),
    ("good.pdf\x00.exe", PDF_BYTES, "good.pdf"),
    ("Bao-cao\u202efdp.exe", PDF_BYTES, "Bao-caofdp.pdf"),
    ("x" * 300 + ".pdf", PDF_BYTES, "x" * 150 + ".pdf"),
    ("Kế hoạch.docm", zip_bytes(DOCX_PARTS), "Kế hoạch.docx"),
]


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("name", "content", "safe"), STORED, ids=["html", "bat", "nul", "rtl", "300", "docm"]
)
def test_stored_under_a_safe_name_with_the_detected_extension(client, people, dossier, name, content, safe):
    client.force_login(people.officer)
    response = post_with_file(client, dossier, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == safe
    client.force_login(people.police)
    assert served_name(client, dossier, evidence) == safe


def jar() -> bytes:
    return zip_bytes(
        {
            "xl/": b"",
            "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nMain-Class: Evil\n",
            "Evil.class": b"\xca\xfe\xba\xbe",
        }
    )


REFUSED = [
    ("Quyet-dinh-cong-nhan.hta", b"%PDF-1.4\n" + VBSCRIPT, "không phải là tài liệu PDF đọc được"),
    ("trang.html", b"<html><body>" + VBSCRIPT + b"</body></html>", "không phải PDF"),
    ("bang-tinh.xlsx", jar(), "không phải tài liệu Word (DOCX) hay Excel (XLSX)"),
    ("Ke-hoach.docx", zip_bytes({**DOCX_PARTS, "word/vbaProject.bin": b"\x00" * 64}), "macro"),
    ("Ke-hoach.docx", zip_bytes({**DOCX_PARTS, "../../evil.sh": b"rm -rf /"}), "ngoài tài liệu"),
    ("anh.png", PNG_BYTES[:40] + b"\x00" * 40, "ảnh bị hỏng"),
]


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED, ids=["hta", "html", "jar", "macro", "zip-slip", "broken-png"]
)
def test_refused_with_a_clear_message_and_the_draft_intact(client, people, dossier, name, content, message):
    client.force_login(people.officer)
    response = post_with_file(client, dossier, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Giải trình đã nhập" in page  # what was typed is on the page again
    assert dossier.answers.count() == 3  # and saved
    assert not Evidence.objects.exists()


@pytest.mark.district_clock
def test_a_zip_bomb_is_refused_before_anyone_opens_it(client, people, dossier, settings):
    settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    bomb = zip_bytes({**DOCX_PARTS, "word/media/image1.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 20 MB inflated from a few KB
    client.force_login(people.officer)
    response = post_with_file(client, dossier, SimpleUploadedFile("Bao-cao.docx", bomb))
    assert response.status_code == 400
    assert "lớn hơn 5 MB khi giải nén" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.district_clock
def test_a_dossier_has_a_quota(client, people, dossier, settings):
    settings.EVIDENCE_DOSSIER_QUOTA_BYTES = 2 * len(PDF_BYTES) + 10
    client.force_login(people.officer)
    for _ in range(2):
        assert post_with_file(client, dossier, SimpleUploadedFile("a.pdf", PDF_BYTES)).status_code == 302
        dossier.refresh_from_db()
    response = post_with_file(client, dossier, SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert response.status_code == 400
    assert "tổng dung lượng tệp của hồ sơ" in response.content.decode()
    assert Evidence.objects.count() == 2


@pytest.mark.district_clock
def test_one_user_may_send_only_so_many_files_an_hour(client, people, dossier, settings):
    settings.EVIDENCE_UPLOADS_PER_HOUR = 3
    client.force_login(people.officer)
    statuses = []
    for _ in range(4):
        statuses.append(post_with_file(client, dossier, SimpleUploadedFile("a.pdf", PDF_BYTES)).status_code)
        dossier.refresh_from_db()
    assert statuses == [302, 302, 302, 400]
    assert Evidence.objects.count() == 3


@pytest.mark.district_clock
def test_a_file_over_the_limit_is_not_stored_and_the_typed_values_are_kept(client, people, dossier, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(people.officer)
    big = PDF_BYTES + b"0" * (2 * 1024 * 1024)
    response = post_with_file(client, dossier, SimpleUploadedFile("lon.pdf", big))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“lon.pdf” lớn hơn 1 MB" in page and "Giải trình đã nhập" in page
    assert dossier.answers.count() == 3 and not Evidence.objects.exists()


def test_a_body_larger_than_any_form_is_refused_unread(client, people, dossier, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    client.force_login(people.officer)
    big = PDF_BYTES + b"0" * (2 * 1024 * 1024)
    response = post_with_file(client, dossier, SimpleUploadedFile("lon.pdf", big))
    assert response.status_code == 413
    assert "lớn hơn 1 MB" in response.content.decode()
