"""What the commune reads of the province's documents (Decision 28/2025): the decision whose annex lists
it and the council's notice that names it, from its dossier page; nothing else of the province's. And
what `/verify/` says of a decision with an annex once a commune is revoked or its validity has ended,
and of a revocation."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from communes.models import IssuingBody
from communes.services import issuing_body_for
from recognition import services
from recognition.models import Document, RecognitionDecision

pytestmark = pytest.mark.django_db
DECIDED = datetime.date(2026, 11, 24)


@pytest.fixture
def decided(recommended, django_capture_on_commit_callbacks):
    """The council recommended Mỹ Lý and Tam Quang, not Bắc Lý; the chairman recognises both in one
    decision that the application numbers; the minutes, the notice to Bắc Lý and the decision are
    rendered."""
    p = recommended
    body = issuing_body_for(unit=p.province, kind="ubnd")
    IssuingBody.objects.filter(pk=body.pk).update(numbering="application")
    with django_capture_on_commit_callbacks(execute=False):
        p.collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk, p.dossier[p.tam_quang.pk].pk],
            decided_on=DECIDED,
        )
    p.decision_pdf = services.document_render(document_id=Document.objects.get(collective=p.collective).pk)
    p.minutes = Document.objects.get(minutes_of=p.session, kind=Document.Kind.COUNCIL_MINUTES)
    p.notice = services.document_render(
        document_id=Document.objects.get(notice_of=p.session, kind=Document.Kind.COUNCIL_NOTICE).pk
    )
    p.minutes = services.document_render(document_id=p.minutes.pk)
    return p


def download(client, user, document) -> int:
    client.force_login(user)
    return client.get(reverse("recognition:document_download", args=[document.pk])).status_code


def test_the_commune_downloads_the_decision_whose_annex_lists_it_and_no_other_provincial_document(
    client, decided
):
    p = decided
    my_ly = p.dossier[p.new_my_ly.pk]
    for user in (p.commune_police, p.commune_chair):
        client.force_login(user)
        page = client.get(reverse("assessments:dossier_detail", args=[my_ly.pk])).content.decode()
        assert reverse("recognition:document_download", args=[p.decision_pdf.pk]) in page
        assert reverse("recognition:document_download", args=[p.notice.pk]) not in page
        response = client.get(reverse("recognition:document_download", args=[p.decision_pdf.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
        # The notice names Bắc Lý, not Mỹ Lý; the minutes are the council's.
        assert download(client, user, p.notice) == 404
        assert download(client, user, p.minutes) == 404
    # Bắc Lý, not recommended, reads the notice that names it, from its dossier page, not the decision.
    bac_ly = p.dossier[p.bac_ly.pk]
    for user in (p.bac_ly_police, p.bac_ly_chair):
        client.force_login(user)
        page = client.get(reverse("assessments:dossier_detail", args=[bac_ly.pk])).content.decode()
        assert reverse("recognition:document_download", args=[p.notice.pk]) in page
        assert reverse("recognition:document_download", args=[p.decision_pdf.pk]) not in page
        assert download(client, user, p.notice) == 200
        assert download(client, user, p.decision_pdf) == 404
        assert download(client, user, p.minutes) == 404
    # The province's own officials read them all.
    for document in (p.decision_pdf, p.notice, p.minutes):
        assert download(client, p.provincial_police, document) == 200


def test_a_draft_decision_is_not_the_communes_to_read(
    client, recommended, django_capture_on_commit_callbacks
):
    """The office's clerk has not numbered it yet: the draft stays with the province."""
    p = recommended
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk],
            decided_on=DECIDED,
        )
    draft = Document.objects.get(collective=collective)
    Document.objects.filter(pk=draft.pk).update(status=Document.Status.READY, file="documents/x.pdf")
    assert draft.draft
    client.force_login(p.commune_chair)
    page = client.get(reverse("assessments:dossier_detail", args=[p.dossier[p.new_my_ly.pk].pk]))
    assert reverse("recognition:document_download", args=[draft.pk]) not in page.content.decode()
    assert download(client, p.commune_chair, draft) == 404


def verify_page(client, document) -> str:
    response = client.get(reverse("verify", args=[document.verification_code]))
    assert response.status_code == 200
    return response.content.decode()


def test_verify_lists_each_commune_of_the_annex_with_its_standing_after_a_revocation(
    client, decided, django_capture_on_commit_callbacks
):
    p = decided
    with time_machine.travel(datetime.date(2026, 11, 30), tick=False):
        page = verify_page(client, p.decision_pdf)
        assert "Còn hiệu lực" in page and "không còn được công nhận" not in page
        assert page.count('data-standing-code="in_force"') == 2
    with django_capture_on_commit_callbacks(execute=False):
        removal = services.decision_revoke(
            decision=RecognitionDecision.objects.get(dossier=p.dossier[p.new_my_ly.pk]),
            actor=p.provincial_chair,
            incident_date=datetime.date(2026, 11, 25),
            incident_description="Phát hiện 01 điểm tổ chức sử dụng trái phép chất ma túy",
            reason="Không còn đạt tiêu chí tại Điều 6",
            decided_on=datetime.date(2026, 11, 26),
            signer_title="Chủ tịch UBND tỉnh",
        )
    with time_machine.travel(datetime.date(2026, 11, 30), tick=False):
        page = verify_page(client, p.decision_pdf)
        # Tam Quang is still recognised: the decision stands, and says how many communes it lost.
        assert "Còn hiệu lực; 1 trong 2 xã không còn được công nhận" in page
        assert page.count('data-standing-code="in_force"') == 1
        assert f"Đã bị thu hồi theo quyết định số {removal.number_display} ngày 26/11/2026" in page
        assert "Xã Mỹ Lý" in page and "Xã Tam Quang" in page
        revocation = services.document_render(document_id=Document.objects.get(revocation=removal).pk)
        page = verify_page(client, revocation)
    assert "Thu hồi công nhận" in page and "Được công nhận" not in page
    assert f"Quyết định {p.collective.number_display} ngày 24/11/2026" in page and "Xã Mỹ Lý" in page


def test_verify_says_a_decision_with_an_annex_is_no_longer_in_force_after_its_validity(client, decided):
    p = decided
    valid_until = RecognitionDecision.objects.filter(collective=p.collective).first().valid_until
    assert valid_until is not None
    with time_machine.travel(valid_until + datetime.timedelta(days=1), tick=False):
        page = verify_page(client, p.decision_pdf)
    assert "Còn hiệu lực" not in page
    assert "Không còn hiệu lực: không còn xã nào của quyết định được công nhận" in page
    assert page.count('data-standing-code="lapsed"') == 2
