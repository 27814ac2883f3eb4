"""The report to the Ministry (Decision 28/2025, before 20 December): the results as they stand on its
date, against the year's target, the Article 4 class of every unit, the year before; a PDF and a
spreadsheet from the same fixed figures; the day it is sent recorded."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune
from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests.factories import put_in_state

REPORTED = datetime.date(2026, 11, 25)


def test_the_report_counts_what_stands_on_its_date_and_its_spreadsheet_agrees(
    recommended,
    client,
    django_capture_on_commit_callbacks,
):
    p = recommended
    with pytest.raises(services.PermissionDenied):
        services.ministry_report_request(province=p.province, year=2026, actor=p.council_member)
    # The appraisal reports on the communes took the police register's first report numbers.
    from communes.models import RegisterNumber

    taken = RegisterNumber.objects.filter(series="report").count()
    assert taken == Document.objects.filter(kind="appraisal_report").count() > 0
    with django_capture_on_commit_callbacks(execute=False):
        report = services.ministry_report_request(
            province=p.province,
            year=2026,
            actor=p.provincial_police,
            issued_on=REPORTED,
            signer_title="Giám đốc",
        )
    units = Commune.objects.valid_on(datetime.date(2026, 12, 31)).filter(province=p.province).count()
    figures = report.figures
    assert report.number_display == f"{taken + 1:02d}/BC-CAT-PC04"
    assert figures["units"] == units and figures["recognised"] == []
    assert sorted(figures["recommended"]) == ["Xã Mỹ Lý", "Xã Tam Quang"]
    assert figures["target_percent"] == 30.0 and figures["target_units"] == -(-units * 30 // 100)
    assert sorted(figures["classes"]["III"]) == [
        "Xã Bắc Lý",
        "Xã Mỹ Lý",
        "Xã Tam Quang",
    ]  # all three reported
    assert len(figures["classes"]["not_reported"]) == units - 3
    html = render_html(report)
    assert "Kính gửi: Bộ Công an" in html and "so với chỉ tiêu 30%" in html
    assert "Địa bàn trọng điểm loại III" in html and "Xã Bắc Lý, Xã Mỹ Lý, Xã Tam Quang" in html
    # The report is fixed: a later decision changes the next report, not this one.
    put_in_state([p.dossier[p.new_my_ly.pk]], "recognised")
    report.refresh_from_db()
    assert report.figures["recognised"] == []

    # Mỹ Lý and Tam Quang are recommended while their counts compute type III: the report says so.
    assert figures["achieved_key_areas"] == [
        {"name": "Xã Mỹ Lý", "type": "III"},
        {"name": "Xã Tam Quang", "type": "III"},
    ]
    assert (
        "nhưng theo số liệu vẫn thuộc địa bàn trọng điểm:</span> Xã Mỹ Lý (loại III), Xã Tam Quang (loại III)."
        in html
    )

    services.document_render(document_id=report.pk)
    report.refresh_from_db()
    text = subprocess.run(
        ["pdftotext", "-layout", report.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    # The class column holds its label on at most two lines (it wrapped word by word over four or five).
    assert any("Địa bàn trọng điểm" in line for line in text.splitlines()), text
    client.force_login(p.ministry)  # the Ministry's viewer reads every province's report
    response = client.get(reverse("recognition:report_xlsx", args=[report.pk]))
    assert response.status_code == 200
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Số đơn vị cấp xã"] == units and summary["Hội đồng đề nghị công nhận"] == 2
    classes = {row[0]: row[1] for row in book["Phân loại"].iter_rows(min_row=2, values_only=True)}
    assert classes["Địa bàn trọng điểm loại III"] == 3 and classes["Chưa báo cáo số liệu"] == units - 3
    client.force_login(p.other_province_police)
    assert client.get(reverse("recognition:report_xlsx", args=[report.pk])).status_code == 404


def test_the_day_it_is_sent_is_recorded_not_before_its_date(
    recommended, client, django_capture_on_commit_callbacks
):
    p = recommended
    with django_capture_on_commit_callbacks(execute=False):
        report = services.ministry_report_request(
            province=p.province, year=2026, actor=p.provincial_police, issued_on=REPORTED
        )
    with pytest.raises(services.DossierActionError):
        services.ministry_report_mark_sent(
            document=report, actor=p.provincial_police, sent_on=REPORTED - datetime.timedelta(days=1)
        )
    client.force_login(p.provincial_police)
    url = reverse("recognition:ministry_report", args=[2026])
    response = client.post(url, {"action": "sent", "document": report.pk, "sent_on": "2026-11-26"})
    assert response.status_code == 302
    assert Document.objects.get(pk=report.pk).sent_on == datetime.date(2026, 11, 26)
    client.force_login(p.council_member)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "prepare", "issued_on": "2026-11-26"}).status_code == 403
