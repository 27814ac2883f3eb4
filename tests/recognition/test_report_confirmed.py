"""Preparing the report to the Ministry takes a number in the provincial police's register: it goes
through the confirmation page, which lists the year's reports; the signer's title is the one the
signature block prints; the spreadsheet lists every unit in the pages' words, inert."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from communes.models import Post, RegisterNumber
from recognition import services
from recognition.models import Document
from tests.answers import confirm_through_the_page, refusal_messages

pytestmark = pytest.mark.django_db
CONFIRMATION = "Kiểm tra trước khi xác nhận"


def test_a_second_click_takes_no_number_without_its_confirmation(
    recommended, client, django_capture_on_commit_callbacks
):
    p = recommended
    client.force_login(p.provincial_police)
    url = reverse("recognition:ministry_report", args=[2026])
    data = {"action": "prepare", "issued_on": "2026-11-25", "signer_title": "Giám đốc"}
    with django_capture_on_commit_callbacks(execute=False):
        page, confirmed, posted = confirm_through_the_page(client, url, data)
    assert CONFIRMATION in page.content.decode() and "Báo cáo đã lập trong năm" in page.content.decode()
    assert confirmed.status_code == 302
    assert Document.objects.filter(kind="ministry_report").count() == 1
    # The confirming post replayed (Back and resend, a double click): nothing is done twice.
    replayed = client.post(*posted)
    assert replayed.status_code == 302 and any(
        "không có gì được thực hiện lại" in m for m in refusal_messages(replayed)
    )
    assert Document.objects.filter(kind="ministry_report").count() == 1
    # One number for the report (the appraisal reports on the communes took theirs before).
    assert RegisterNumber.objects.filter(series="report", label__startswith="report ").count() == 1
    # A second "Lập báo cáo" is a confirmation page again, naming the report already prepared.
    again = client.post(url, data, follow=True).content.decode()
    number = Document.objects.get(kind="ministry_report").number_display
    assert CONFIRMATION in again and f"{number} — 25/11/2026" in again
    assert "Đã lập một báo cáo cho năm này" in again
    assert RegisterNumber.objects.filter(series="report", label__startswith="report ").count() == 1
    back = client.post(url, {**data, "back": "1"})  # "Go back and change" keeps what was typed
    assert back.status_code == 200 and 'value="Giám đốc"' in back.content.decode()


def retitle(user, title: str) -> None:
    """The post's title changed as the admin or the officials' file changes it (saved: the holder's
    grants version moves, and the next page reads it)."""
    for post in Post.objects.filter(user=user):
        post.title = title
        post.save(update_fields=["title"])


def test_the_number_column_reads_so_and_the_signer_title_is_the_printed_one(recommended, client):
    p = recommended
    retitle(p.provincial_police, "Phòng PC04, Công an tỉnh")
    client.force_login(p.provincial_police)
    page = client.get(reverse("recognition:ministry_report", args=[2026])).content.decode()
    assert '<th scope="col">Số</th>' in page and "Số lượng" not in page
    assert 'name="signer_title" value="Giám đốc"' in page
    assert "Phòng PC04, Công an tỉnh" not in page
    assert "In ở khối chữ ký" in page
    retitle(p.provincial_police, "Phó Giám đốc Công an tỉnh")
    page = client.get(reverse("recognition:ministry_report", args=[2026])).content.decode()
    assert 'name="signer_title" value="Phó Giám đốc"' in page


def test_the_spreadsheet_has_one_row_per_unit_in_the_pages_words_and_no_formula(
    recommended, client, django_capture_on_commit_callbacks
):
    p = recommended
    with django_capture_on_commit_callbacks(execute=False):
        report = services.ministry_report_request(province=p.province, year=2026, actor=p.provincial_police)
    report.figures["classes"]["none"].append('=HYPERLINK("http://x")')
    report.figures["units"] += 1
    report.save(update_fields=["figures"])
    services.document_render(document_id=report.pk)
    client.force_login(p.provincial_police)
    book = load_workbook(io.BytesIO(client.get(reverse("recognition:report_xlsx", args=[report.pk])).content))
    rows = list(book["Danh sách đơn vị"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == report.figures["units"]
    by_name = {row[1]: row for row in rows}
    assert by_name["Xã Mỹ Lý"][2:] == ("Địa bàn trọng điểm loại III", "Hội đồng đề nghị công nhận")
    assert by_name["Xã Bắc Lý"][2:] == ("Địa bàn trọng điểm loại III", None)
    with translation.override("vi"):
        from django.utils.translation import gettext

        assert by_name['=HYPERLINK("http://x")'][2] == gettext("Not a key area")
    cell = next(c for c in book["Danh sách đơn vị"]["B"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"
    assert [r[0] for r in book["Phân loại"].iter_rows(min_row=3, values_only=True)][3] == gettext(
        "Not a key area"
    )
