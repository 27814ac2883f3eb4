"""The pages of recording: a decision entered by hand with its scan (refusals before the confirmation,
the file kept), a file of decisions checked whole, /verify/ of a recorded decision, and a signed
attachment validated with the test PKI of "Signed originals by upload"."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Dossier
from communes.models import Commune, District, Province
from recognition.models import RecordedDecision
from tests.esign.test_scans import scan
from tests.records.world import clerk, district_criteria, past_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    district_criteria()
    return Province.objects.get(code="40")


@pytest.fixture
def recorder(province, client):
    user = clerk(province)
    client.force_login(user)
    return user


def form_values(**changes):
    district = District.objects.get(code="417")
    my_ly = Commune.objects.get(code="16816", district=district)
    values = {
        "unit": f"district:{district.pk}",
        "number": "12",
        "symbol": "",
        "decided_on": "2022-12-20",
        "signer_name": "Lô Văn Chủ",
        "signer_title": "Chủ tịch UBND huyện",
        "signer_capacity": "",
        "lines": "5",
        "commune_0": str(my_ly.pk),
        "year_0": "2022",
        "outcome_0": "recognised",
        "reasons_0": "",
    }
    values.update(changes)
    return values


def confirm(client, response, url):
    """Follow the Post/Redirect/Get confirmation and confirm it with the values it carries."""
    assert response.status_code == 302 and "pending=" in response["Location"], response.content.decode()[
        :2000
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(response["Location"], {**hidden, "confirmed": "1"}), page


def test_the_clerk_records_a_decision_by_hand_with_its_scan(client, recorder):
    url = reverse("records:new")
    assert client.get(url).status_code == 200
    # A refusal (a date after the district ceased) comes before the confirmation, keeps what was typed
    # and the file chosen.
    upload = SimpleUploadedFile("qd-12.pdf", scan(), content_type="application/pdf")
    refused = client.post(url, {**form_values(decided_on="2025-08-01"), "attachment": upload})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "không còn tồn tại vào ngày 01/08/2025" in text
    assert "Lô Văn Chủ" in text and "qd-12.pdf" in text
    held = re.search(r'name="held_attachment" value="([0-9a-f]{24})"', text).group(1)
    assert not RecordedDecision.objects.exists()
    # Corrected, without choosing the file again: the confirmation lists it, then it is recorded.
    answer, page = confirm(
        client,
        client.post(url, form_values(held_attachment=held, held_attachment_name="qd-12.pdf")),
        url,
    )
    assert "qd-12.pdf" in page.content.decode()
    recorded = RecordedDecision.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("records:detail", args=[recorded.pk])
    assert recorded.attachment_kind == "scan" and len(recorded.attachment_sha256) == 64
    detail = client.get(answer["Location"]).content.decode()
    assert recorded.attachment_sha256 in detail and "Xã Mỹ Lý" in detail
    assert (
        Dossier.objects.get(commune__code="16816", commune__district__isnull=False, year=2022).state
        == "recognised"
    )
    # The file is served through the permission check only.
    assert client.get(reverse("records:file", args=[recorded.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("records:file", args=[recorded.pk])).status_code == 302  # to sign in


def test_verify_lists_a_recorded_decision_as_recorded_with_its_files_sha256(client, recorder):
    answer, _page = confirm(
        client,
        client.post(
            reverse("records:new"),
            {
                **form_values(),
                "attachment": SimpleUploadedFile("qd.pdf", scan(), content_type="application/pdf"),
            },
        ),
        reverse("records:new"),
    )
    recorded = RecordedDecision.objects.get()
    client.logout()
    page = client.get(reverse("verify", args=[recorded.verification_code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "ghi nhận" in text.lower()
        and "không do hệ thống ban hành" in text.lower()
        or "không ban hành" in text
    )
    assert recorded.attachment_sha256 in text
    assert "12/QĐ-UBND" in text and "Xã Mỹ Lý" in text


def test_a_file_of_decisions_is_checked_whole_then_recorded_and_a_second_run_changes_nothing(
    client, recorder, province
):
    url = reverse("records:import")
    bad = past_file(province) + "417,99,QĐ-UBND,31/02/2022,Lô Văn Chủ,,,2022,16816,cong_nhan,\n"
    refused = client.post(url, {"table": SimpleUploadedFile("qua_khu.csv", bad.encode())})
    assert refused.status_code == 400
    assert "Dòng" in refused.content.decode() and not RecordedDecision.objects.exists()
    good = past_file(province).encode()
    answer, page = confirm(client, client.post(url, {"table": SimpleUploadedFile("qua_khu.csv", good)}), url)
    assert answer.status_code == 302 and RecordedDecision.objects.count() == 13
    again, page = confirm(client, client.post(url, {"table": SimpleUploadedFile("qua_khu.csv", good)}), url)
    assert RecordedDecision.objects.count() == 13
    followed = client.get(again["Location"]).content.decode()
    assert "Không có gì thay đổi" in followed


def test_a_signed_attachment_is_validated_and_its_signatures_shown(client, recorder, province):
    import weasyprint

    from tests.esign.pki import pki, sign
    from tests.esign.world import trust_test_root

    ca = pki()
    trust_test_root(province)
    paper = weasyprint.HTML(string="<h1>QUYẾT ĐỊNH</h1><p>Số: 12/QĐ-UBND</p>").write_pdf()
    signed = sign(paper, ca.chairman)
    answer, _page = confirm(
        client,
        client.post(
            reverse("records:new"),
            {
                **form_values(),
                "attachment": SimpleUploadedFile("qd-ky-so.pdf", signed, content_type="application/pdf"),
            },
        ),
        reverse("records:new"),
    )
    recorded = RecordedDecision.objects.get()
    assert recorded.attachment_kind == "signed"
    [signature] = recorded.signatures
    assert "Chủ tịch (thử nghiệm)" in signature["signer"] and "Root CA Ban Cơ yếu" in signature["anchor"]
    assert "Chủ tịch (thử nghiệm)" in client.get(answer["Location"]).content.decode()
    # A file signed under a root nobody configured is refused, before the confirmation.
    bac_ly = Commune.objects.get(code="16819", district__isnull=False)
    stranger = sign(paper, ca.stranger, chain=[ca.stranger_root], timestamp=False)
    refused = client.post(
        reverse("records:new"),
        {
            **form_values(number="13", commune_0=str(bac_ly.pk)),
            "attachment": SimpleUploadedFile("x.pdf", stranger, content_type="application/pdf"),
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "chuỗi tin cậy" in text, re.findall(r"class=\"(?:error|problems)[^>]*>(.*?)</", text, re.S)


def test_a_grey_scan_is_refused_with_its_reason_before_the_confirmation(client, recorder):
    grey = SimpleUploadedFile("qd-xam.pdf", scan(mode="L"), content_type="application/pdf")
    refused = client.post(reverse("records:new"), {**form_values(), "attachment": grey})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Bản quét đính kèm" in text and "màu" in text
    assert "qd-xam.pdf" in text  # the file chosen is kept, to be replaced
    assert not RecordedDecision.objects.exists()


def test_the_past_reads_on_the_pages_like_any_other_year(client, recorder, province):
    """After the file of the past: the recorded dossier's page (its decision and history row), the 2026
    cycle dashboard (each new unit beside its predecessors' 2022 and 2023 states) and the report to the
    Ministry (the year before)."""
    url = reverse("records:import")
    good = past_file(province).encode()
    confirm(client, client.post(url, {"table": SimpleUploadedFile("qua_khu.csv", good)}), url)
    dossier = Dossier.objects.get(commune__code="16816", commune__district__isnull=False, year=2023)
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # Kỳ Sơn is the file's second district: its 2023 decision is number 23.
    assert "Ghi nhận từ quyết định số 23/QĐ-UBND ngày 18/12/2023" in text
    assert "Ngoài hệ thống, ghi nhận từ bản giấy đã ký" in text
    # Its validity ended on 31/12/2024: the panel says so, even before the nightly expiry.
    assert "Hết hiệu lực: công nhận có hiệu lực đến 31/12/2024" in text
    assert "Được công nhận, hiệu lực đến" not in text
    cycle = client.get(reverse("dashboard:cycle_year", kwargs={"year": 2026})).content.decode()
    assert "2022: Được công nhận" in cycle and "2023: Được công nhận" in cycle
    report = client.get(reverse("recognition:ministry_report", kwargs={"year": 2026}))
    assert report.status_code == 200
