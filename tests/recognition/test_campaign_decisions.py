"""A district chair decides several appraised dossiers at once (one confirmation; each decision keeps
its own number, history and documents); the provincial police prepare failed documents again in bulk."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Dossier
from communes.models import Commune
from recognition.models import Document, RecognitionDecision
from tests import workflow
from tests.factories import DossierFactory, small_criteria_set

CODES = ("16816", "16819", "16822", "16825", "16834")


@pytest.fixture
def appraised(people):
    criteria_set = small_criteria_set()
    out = []
    for i, code in enumerate(CODES):
        commune = Commune.objects.get(code=code, district__code="417")
        dossier = workflow.submit(
            DossierFactory(commune=commune, year=2024, criteria_set=criteria_set), people.admin
        )
        out.append(
            workflow.appraise(
                dossier, people.police, recommendation="not_recognise" if i == 4 else "recognise"
            )
        )
    return out


@pytest.mark.district_clock
def test_the_chair_decides_five_dossiers_after_one_confirmation(
    client, people, appraised, django_capture_on_commit_callbacks
):
    client.force_login(people.chair)
    assert "Quyết định nhiều hồ sơ (5)" in client.get("/").content.decode()
    url = reverse("recognition:decisions")
    page = client.get(url).content.decode()
    assert page.count('name="outcome_') == 5 and "Không công nhận" in page
    assert 'value="2025-06-20"' in page  # today on the test's clock, before the district body's last day
    data = {"decided_on": "2024-10-20", "signer_title": "Chủ tịch UBND huyện"}
    for d in appraised:
        data[f"outcome_{d.pk}"] = "recognised"
    # Recognising the one the police recommended not to: refused without reasons, nothing recorded.
    refused = client.post(url, data)
    assert refused.status_code == 400 and "nêu lý do vẫn công nhận xã" in refused.content.decode()
    data[f"reasons_{appraised[4].pk}"] = "Đã xác minh lại kết quả kiểm tra."
    confirm = client.post(url, data, follow=True).content.decode()
    assert "Xác nhận 5 quyết định" in confirm and "Khác với đề nghị của công an" in confirm
    assert not RecognitionDecision.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    decisions = RecognitionDecision.objects.order_by("number")
    assert [d.number for d in decisions] == [1, 2, 3, 4, 5]  # each its own number
    assert {d.dossier.state for d in decisions} == {"recognised"}
    assert [d.against_recommendation for d in decisions].count(True) == 1
    for d in appraised:
        assert Dossier.objects.get(pk=d.pk).events.last().transition == "recognise"
        assert Document.objects.filter(decision__dossier=d, kind="recognition").count() == 1


@pytest.mark.district_clock
def test_the_provincial_police_prepare_failed_documents_again(
    client, people, appraised, django_capture_on_commit_callbacks
):
    from recognition.services import decision_record

    with django_capture_on_commit_callbacks(execute=False):
        for d in appraised[:2]:
            decision_record(
                dossier=d, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 10, 20)
            )
    Document.objects.update(status=Document.Status.FAILED, error="font missing")
    client.force_login(people.provincial_police)
    url = reverse("recognition:documents_failed")
    page = client.get(url).content.decode()
    failed = list(Document.objects.values_list("pk", flat=True))
    assert page.count('name="documents"') == len(failed) and "font missing" in page
    assert (
        f"Lập lại {len(failed)} văn bản"
        in client.post(url, {"documents": failed}, follow=True).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(url, {"documents": failed, "confirmed": "1"}).status_code == 302
    assert set(Document.objects.values_list("status", flat=True)) == {"pending"} and callbacks
    client.force_login(people.chair)  # not the province's police: refused
    assert client.get(url).status_code == 403
