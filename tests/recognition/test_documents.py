"""Each PDF checked with pdftotext and pdffonts: names with diacritics, number, date line, font."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.models import Dossier
from recognition import services
from recognition.documents import date_line
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts)"),
]


def pdf_text(path: str, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return " ".join(
        subprocess.run([*args, path, "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def pdf_fonts(path: str) -> str:
    return subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout


def render(kind: str, **filters) -> Document:
    document = Document.objects.get(kind=kind, **filters)
    return services.document_render(document_id=document.pk)


def assert_embedded_serif(path: str):
    """Every font is the bundled Liberation Serif, named as what it is (it was declared "Times New
    Roman", a font the PDF did not carry), and embedded."""
    fonts = pdf_fonts(path)
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("Liberation-Serif" in r and "Times" not in r for r in rows), fonts
    assert all(r.split()[-5] == "yes" for r in rows), fonts  # the "emb" column


def test_the_place_and_date_line_follows_decree_30():
    assert date_line("Kỳ Sơn", datetime.date(2022, 10, 5)) == "Kỳ Sơn, ngày 05 tháng 10 năm 2022"
    assert date_line("Nghệ An", datetime.date(2025, 2, 5)) == "Nghệ An, ngày 05 tháng 02 năm 2025"
    assert date_line("Vinh", datetime.date(2020, 3, 15)) == "Vinh, ngày 15 tháng 3 năm 2020"


@pytest.mark.district_clock
def test_non_recognition_decision_lists_the_criteria_not_met(people, django_capture_on_commit_callbacks):
    dossier = DossierFactory(commune=people.my_ly, year=2023)
    dossier = workflow.submit(dossier, people.officer)
    from assessments import services as dossier_services

    dossier = dossier_services.dossier_start_appraisal(dossier=dossier, actor=people.police)
    first = dossier.applicable_criteria()[0]
    dossier_services.appraisal_save(
        dossier=dossier,
        actor=people.police,
        members=workflow.team("district_police"),
        **workflow.meeting(datetime.date(2023, 9, 8)),
        findings={
            c.pk: ("not_met" if c == first else "met", "Còn 2 đối tượng" if c == first else "")
            for c in dossier.applicable_criteria()
        },
        recommendation="not_recognise",
        conclusion="Chưa đạt",
    )
    dossier = dossier_services.dossier_complete_appraisal(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=people.police
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.decision_record(
            dossier=dossier,
            actor=people.chair,
            outcome="not_recognised",
            decided_on=datetime.date(2023, 9, 20),
            reasons="Còn đối tượng mua bán ma túy",
        )
    document = render("non_recognition")
    text = pdf_text(document.file.path)
    assert "Về việc không công nhận xã Mỹ Lý" in text
    assert "Kỳ Sơn, ngày 20 tháng 9 năm 2023" in text
    # By its number in the set and its text: never the internal code ("C1").
    assert "Tiêu chí số 1: Không còn đối tượng mua bán ma túy (Còn 2 đối tượng)" in text
    assert "C1:" not in text
    assert_embedded_serif(document.file.path)


@pytest.mark.district_clock
def test_revocation_decision_pdf(recognised, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        revocation = services.decision_revoke(
            decision=recognised,
            actor=people.chair,
            incident_date=datetime.date(2022, 11, 2),
            incident_description="Bắt quả tang 01 đối tượng tàng trữ trái phép chất ma túy tại bản Huồi Xái",
            reason="Phát sinh tội phạm ma túy trên địa bàn.",
            decided_on=datetime.date(2022, 11, 10),
        )
    assert revocation.number_display == "02/QĐ-UBND"  # the decision register of Kỳ Sơn for 2022
    assert Dossier.objects.get(pk=recognised.dossier_id).state == "revoked"
    document = render("revocation")
    text = pdf_text(document.file.path)
    assert "Về việc thu hồi Quyết định số 01/QĐ-UBND công nhận xã Mỹ Lý" in text
    assert "Số: 02/QĐ-UBND" in text and "Kỳ Sơn, ngày 10 tháng 11 năm 2022" in text
    assert "Huồi Xái" in text
    assert_embedded_serif(document.file.path)


@pytest.mark.district_clock
def test_provincial_summary_pdf_counts_border_communes_first(
    recognised, people, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    call_command("loaddata", "nghean_units", "border_communes", verbosity=0)
    with django_capture_on_commit_callbacks(execute=False):
        document = services.summary_request(
            year=2022, province=people.province, actor=people.provincial_police
        )
    document = services.document_render(document_id=document.pk)
    text = pdf_text(document.file.path)
    assert "1/27 xã biên giới được công nhận" in text
    assert "1/460 đơn vị cấp xã" in text
    assert text.index("Huyện Kỳ Sơn") < text.index("Thành phố Vinh")  # border districts first
    assert "Số: 01/CAT-PC04" in text
    assert_embedded_serif(document.file.path)
    # Page numbers: none on page 1, "2" at the top of page 2.
    pages = int(
        subprocess.run(["pdfinfo", document.file.path], capture_output=True, text=True)
        .stdout.split("Pages:")[1]
        .split()[0]
    )
    assert pages >= 2
    assert pdf_text(document.file.path, 2).startswith("2 ")
    assert not pdf_text(document.file.path, 1).startswith("1 ")


@pytest.mark.district_clock
def test_a_unit_name_with_markup_renders_as_text_in_the_summary(
    recognised, people, django_capture_on_commit_callbacks
):
    from communes.models import District

    District.objects.filter(code="417").update(name='Kỳ Sơn</text><text x="0" y="0">CHÈN</text>&amp;')
    with django_capture_on_commit_callbacks(execute=False):
        document = services.summary_request(
            year=2022, province=people.province, actor=people.provincial_police
        )
    document = services.document_render(document_id=document.pk)
    assert document.status == Document.Status.READY
    text = pdf_text(document.file.path)
    assert '</text><text x="0" y="0">CHÈN</text>&amp;' in text  # the name, as typed


def test_the_summary_chart_escapes_every_label():
    import xml.etree.ElementTree as ET

    from recognition.documents import summary_chart_svg

    name = '</text><image href="file:///etc/passwd"/><text>&amp;'
    svg = summary_chart_svg({"districts": [{"name": name, "recognised": 1, "communes": 2}]})
    root = ET.fromstring(svg)
    assert [el.tag.split("}")[1] for el in root] == ["text", "rect", "rect", "text"]  # nothing injected
    assert root[0].text == name


@pytest.mark.district_clock
def test_rendering_twice_gives_one_file_with_the_same_checksum(recognised):
    first = render("recognition")
    Document.objects.filter(pk=first.pk).update(status="pending")  # as if the task were delivered again
    second = services.document_render(document_id=first.pk)
    assert second.sha256 == first.sha256
    assert second.file.name == first.file.name
    assert len(list(Path(first.file.path).parent.glob("recognition-*.pdf"))) == 1


@pytest.mark.district_clock
def test_a_pending_document_cannot_be_downloaded_yet(client, recognised, people):
    document = Document.objects.get(kind="recognition")
    client.force_login(people.chair)
    assert client.get(reverse("recognition:document_download", args=[document.pk])).status_code == 404


@pytest.mark.district_clock
def test_a_failed_render_is_marked_failed_and_a_retry_makes_it_ready(
    client, recognised, people, monkeypatch, django_capture_on_commit_callbacks
):
    from recognition import documents
    from recognition.tasks import render_document

    document = Document.objects.get(kind="recognition")
    original = documents.render_pdf

    def broken(doc):
        raise documents.RenderError("WeasyPrint crashed")

    monkeypatch.setattr(documents, "render_pdf", broken)
    assert render_document.apply(args=[document.pk]).get() == "failed"
    document.refresh_from_db()
    assert document.status == "failed" and "WeasyPrint crashed" in document.error

    monkeypatch.setattr(documents, "render_pdf", original)
    client.force_login(people.officer)  # the commune cannot ask again
    assert client.post(reverse("recognition:document_retry", args=[document.pk])).status_code == 403
    client.force_login(people.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recognition:document_retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "ready"


@pytest.mark.district_clock
def test_the_sweep_sends_documents_pending_too_long(recognised, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "recognition.tasks.render_document.apply_async", lambda args, **kw: sent.append(args[0])
    )
    assert services.documents_sweep(older_than_minutes=3) == 0  # just requested
    Document.objects.update(requested_at=recognised.created_at - datetime.timedelta(minutes=10))
    # The police's minutes and Tờ trình (rendered at the appraisal's completion), the decision, the dispatch.
    assert services.documents_sweep(older_than_minutes=3) == 4
    assert sorted(sent) == sorted(Document.objects.values_list("pk", flat=True))


@pytest.mark.district_clock
def test_dossier_page_shows_each_document_with_its_status(client, recognised, people):
    render("recognition")
    client.force_login(people.viewer)
    content = client.get(reverse("assessments:dossier_detail", args=[recognised.dossier_id])).content.decode()
    assert "Quyết định công nhận 01-QĐ-UBND - Xã Mỹ Lý - 2022.pdf" in content
    assert 'data-pending="1"' in content  # the dispatch and the minutes are still being prepared
    panel = client.get(reverse("recognition:documents_panel", args=[recognised.dossier_id]))
    assert panel.status_code == 200 and "<html" not in panel.content.decode()


@pytest.fixture
def page_cache(settings):
    """The cache as in production (the dossier page keeps its documents there), in this process."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "communes.deployment.make_key",
        }
    }


@pytest.mark.district_clock
def test_the_cached_documents_follow_every_write_bulk_updates_included(
    client, recognised, people, page_cache
):
    """The dossier page keeps its documents in the cache: the worker's bulk update (a document made
    ready), a save (the decision numbered again) and a new document each show on the next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.viewer)
    url = reverse("assessments:dossier_detail", args=[recognised.dossier_id])
    document = Document.objects.get(kind="recognition")
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        page = client.get(url).content.decode()
    assert not any('"recognition_document"' in q["sql"] for q in cached.captured_queries)  # from the cache
    assert f'href="{reverse("recognition:document_download", args=[document.pk])}"' not in page

    Document.objects.filter(pk=document.pk).update(status=Document.Status.READY, size=2048, sha256="ab" * 32)
    page = client.get(url).content.decode()
    assert f'href="{reverse("recognition:document_download", args=[document.pk])}"' in page

    Document.objects.filter(pk=document.pk).update(status=Document.Status.FAILED, error="WeasyPrint")
    assert 'data-status="failed"' in client.get(url).content.decode()

    recognised.number = 7
    recognised.save()
    assert f"<dd>{recognised.number_display}</dd>" in client.get(url).content.decode()

    rows = page.count("<tr data-status=")
    Document.objects.filter(kind=Document.Kind.NOTIFICATION).delete()
    assert client.get(url).content.decode().count("<tr data-status=") == rows - 1


@pytest.mark.district_clock
def test_a_bulk_update_bumps_the_version_in_its_own_transaction(recognised):
    """Bulk updates send no signal: the documents' queryset bumps their version itself, with the rows
    (a rolled-back update leaves it, an update of no row does not bump it)."""
    from django.db import transaction

    from communes import fragments
    from recognition.models import DOCUMENTS_VERSION

    def version():
        return fragments.data_versions(DOCUMENTS_VERSION)

    before = version()
    assert Document.objects.filter(pk=-1).update(error="x") == 0 and version() == before
    with pytest.raises(RuntimeError), transaction.atomic():
        Document.objects.update(error="x")
        assert version() != before
        raise RuntimeError
    assert version() == before
    Document.objects.update(error="")
    assert version() != before


@pytest.mark.district_clock
def test_the_bundled_font_loads_without_falling_back(recognised, caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render("recognition")
    assert "cannot be loaded" not in caplog.text


def test_the_renderer_fetches_nothing_but_the_bundled_fonts():
    from recognition.documents import RenderError, html_to_pdf

    for url in ("http://127.0.0.1:1/x.css", "file:///etc/passwd"):
        with pytest.raises(RenderError, match="Error fetching"):
            html_to_pdf(f'<html><head><link rel="stylesheet" href="{url}"></head><body>x</body></html>')
