"""The decision of 2022, its dispatch and the police's minutes, rendered once for the module: each read
back with pdftotext and pdffonts (names with diacritics, number, date line, font), and downloaded."""

import pytest
from django.urls import reverse

from recognition import services
from tests.recognition.test_documents import assert_embedded_serif, pdf_text, render

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def decision_2022(django_db_setup, django_db_blocker, tmp_path_factory):
    """The recognition of `recognised` with its decision, dispatch and minutes rendered once for the
    module's tests that read them."""
    import time_machine

    from tests.recognition.conftest import build_recognised
    from tests.world import DISTRICT_CLOCK, load_people, module_world

    with module_world("decision-2022", django_db_blocker, tmp_path_factory) as world:
        with time_machine.travel(DISTRICT_CLOCK, tick=True):  # while Kỳ Sơn's bodies exist
            build_recognised(load_people())
            rendered = {kind: render(kind) for kind in ("recognition", "notification", "appraisal_minutes")}
        for kind, document in rendered.items():
            world.keep(kind, document)
            world.keep_file(kind, document.file.path)
        world.freeze()
        yield rendered


@pytest.mark.district_clock
def test_recognition_decision_pdf(decision_2022):
    document = decision_2022["recognition"]
    text = pdf_text(document.file.path)

    assert document.status == "ready" and len(document.sha256) == 64
    assert "ỦY BAN NHÂN DÂN HUYỆN KỲ SƠN" in text
    assert "Số: 01/QĐ-UBND" in text
    assert "Kỳ Sơn, ngày 05 tháng 10 năm 2022" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Về việc công nhận xã Mỹ Lý đạt tiêu chí “sạch về ma túy” năm 2022" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN KỲ SƠN" in text
    assert "Công nhận xã Mỹ Lý, huyện Kỳ Sơn, tỉnh Nghệ An" in text
    assert "Nơi nhận:" in text and "Vi Văn Hùng" in text
    assert "./." in text
    assert_embedded_serif(document.file.path)


@pytest.mark.district_clock
def test_notification_dispatch_pdf(decision_2022):
    document = decision_2022["notification"]
    text = pdf_text(document.file.path)
    assert "Số: 01/UBND-CA" in text
    assert "Kính gửi: Ủy ban nhân dân xã Mỹ Lý." in text
    assert "Quyết định số 01/QĐ-UBND" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text
    assert_embedded_serif(document.file.path)


@pytest.mark.district_clock
def test_appraisal_minutes_pdf(decision_2022):
    document = decision_2022["appraisal_minutes"]
    text = pdf_text(document.file.path)
    assert "CÔNG AN HUYỆN KỲ SƠN" in text
    assert "BIÊN BẢN" in text and "ngày 01 tháng 10 năm 2022" in text
    assert "Vi Văn Công" in text and "Công an huyện" in text
    assert_embedded_serif(document.file.path)


@pytest.mark.district_clock
def test_a_ready_document_is_not_rendered_again(decision_2022, monkeypatch):
    first = decision_2022["recognition"]
    monkeypatch.setattr("recognition.documents.render_pdf", lambda d: pytest.fail("rendered again"))
    assert services.document_render(document_id=first.pk).sha256 == first.sha256


@pytest.mark.district_clock
def test_download_has_a_readable_vietnamese_name_and_checks_permission(client, decision_2022, people):
    document = decision_2022["recognition"]
    url = reverse("recognition:document_download", args=[document.pk])
    client.force_login(people.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    from urllib.parse import unquote

    assert (
        unquote(disposition.split("filename*=utf-8''")[1])
        == "Quyết định công nhận 01-QĐ-UBND - Xã Mỹ Lý - 2022.pdf"
    )
    client.force_login(people.other_officer)
    assert client.get(url).status_code == 404


@pytest.mark.district_clock
def test_the_minutes_name_each_member_s_body_and_never_an_agency_category(
    people, django_capture_on_commit_callbacks
):
    """A member's body is its own field, printed as typed; without one, the post alone: the category
    ("Y tế") is never printed as a body (it read "Phó Giám đốc Trung tâm Y tế, Y tế")."""
    import datetime

    from recognition import services
    from recognition.documents import render_html
    from recognition.models import Document
    from tests import workflow
    from tests.factories import DossierFactory

    team = workflow.team()
    team.append({"duty": "member", "name": "Vi Thị Lao", "agency": "labour", "position": "Chuyên viên"})
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
        members=team,
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
        )
    html = render_html(Document.objects.get(dossier=decision.dossier, kind="appraisal_minutes"))
    assert "Lương Thị Hoa, Phó Giám đốc, Trung tâm Y tế huyện Kỳ Sơn;" in html
    assert "Vi Thị Lao, Chuyên viên;" in html
    assert ", Y tế" not in html and "Lao động" not in html
