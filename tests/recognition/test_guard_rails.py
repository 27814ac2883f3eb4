"""Guard rails: each irreversible step shows what will happen and to whom, and is taken only once
confirmed; a decision against the police's recommendation needs reasons and is marked everywhere."""

import pytest
from django.urls import reverse

from assessments.models import Dossier, DossierEvent
from recognition.models import RecognitionDecision
from tests import workflow


def decision_data(dossier, **extra):
    return {
        "version": dossier.version,
        "outcome": "recognised",
        "decided_on": "2024-10-05",
        "signer_title": "Chủ tịch UBND huyện",
        "reasons": "",
        **extra,
    }


@pytest.mark.district_clock
def test_the_decision_is_shown_before_it_is_recorded(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[dossier.pk])
    page = client.post(url, decision_data(dossier), follow=True).content.decode()
    assert "Kiểm tra trước khi xác nhận" in page
    assert "05/10/2024" in page  # the date, day-first
    assert "được lấy số trong sổ văn bản của Ủy ban nhân dân huyện Kỳ Sơn" in page.replace("\n", " ")
    assert f"{people.officer.get_full_name()} (Xã Mỹ Lý)" in page  # the commune is told
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"
    assert not RecognitionDecision.objects.exists()
    # Going back returns to the form with the values; confirming records the decision.
    back = client.post(url, {**decision_data(dossier), "back": "1"}).content.decode()
    assert 'value="Chủ tịch UBND huyện"' in back and "Kiểm tra trước khi xác nhận" not in back
    assert client.post(url, decision_data(dossier, confirmed="1")).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == "recognised"


@pytest.mark.district_clock
def test_recognising_against_a_not_recognise_recommendation_needs_reasons_and_is_marked(
    client, people, dossier
):
    dossier = workflow.appraise(
        workflow.submit(dossier, people.officer), people.police, recommendation="not_recognise"
    )
    client.force_login(people.chair)
    url = reverse("recognition:decision", args=[dossier.pk])
    refused = client.post(url, decision_data(dossier, confirmed="1"))
    assert refused.status_code == 400
    assert "Công an đề nghị không công nhận: nêu lý do vẫn công nhận xã." in refused.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"

    reasons = "Đã xác minh lại: vụ việc xảy ra ngoài địa bàn xã."
    confirm = client.post(url, decision_data(dossier, reasons=reasons), follow=True).content.decode()
    assert "Quyết định này khác với đề nghị của công an (Không công nhận)" in confirm
    assert client.post(url, decision_data(dossier, reasons=reasons, confirmed="1")).status_code == 302

    decision = RecognitionDecision.objects.get(dossier=dossier)
    assert decision.against_recommendation and decision.reasons == reasons
    event = DossierEvent.objects.filter(dossier=dossier).last()
    assert event.transition == "recognise" and event.against_recommendation and event.comment == reasons
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert page.count("Khác với đề nghị của công an") == 2  # the decision panel and the history
    # The province sees it on its dashboard, with the reasons.
    client.force_login(people.viewer)
    board = client.get(reverse("dashboard:dashboard") + "?year=2024").content.decode()
    assert "Quyết định khác với đề nghị của công an" in board and reasons in board


@pytest.mark.district_clock
def test_a_decision_that_follows_the_recommendation_is_not_marked(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    client.post(reverse("recognition:decision", args=[dossier.pk]), decision_data(dossier, confirmed="1"))
    assert not RecognitionDecision.objects.get(dossier=dossier).against_recommendation
    client.force_login(people.viewer)
    board = client.get(reverse("dashboard:dashboard") + "?year=2024").content.decode()
    assert "Quyết định khác với đề nghị của công an" not in board


@pytest.mark.district_clock
def test_the_clerk_confirms_the_number_before_it_is_taken(client, clerk_mode, dossier):
    people = clerk_mode
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    client.post(reverse("recognition:decision", args=[dossier.pk]), decision_data(dossier, confirmed="1"))
    decision = RecognitionDecision.objects.get(dossier=dossier)
    client.force_login(people.clerk)
    url = reverse("recognition:issue", args=["decision", decision.pk])
    data = {"number": "37", "issued_on": "2024-12-04", "dispatch_number": "112"}
    page = client.post(url, data, follow=True).content.decode()
    assert "37/QĐ-UBND" in page and "không thể cấp cho văn bản khác" in page
    decision.refresh_from_db()
    assert decision.is_draft
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    decision.refresh_from_db()
    assert decision.number_display == "37/QĐ-UBND"
