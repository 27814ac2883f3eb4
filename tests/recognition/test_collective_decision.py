"""The chairman's decision with its annex (Decision 28/2025): one decision, one number in the provincial
People's Committee's register, recognising the communes the council recommended; a commune left out
goes back to "appraised" with the reason."""

import datetime
import subprocess
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from assessments.models import Dossier, Notification, SituationCounts
from communes.models import Commune, IssuingBody, Role
from communes.services import issuing_body_for
from recognition import services
from recognition.documents import render_html
from recognition.models import CollectiveDecision, Document, RecognitionDecision
from tests.factories import DossierFactory, put_in_state
from tests.recognition.conftest import SESSION_DAY, keep_sample

DECIDED = datetime.date(2026, 11, 24)


def test_the_chairman_recognises_the_recommended_in_one_draft_that_the_clerk_numbers(
    recommended, official, django_capture_on_commit_callbacks
):
    from communes.models import Role

    p = recommended
    my_ly, tam_quang = p.dossier[p.new_my_ly.pk], p.dossier[p.tam_quang.pk]
    with pytest.raises(services.PermissionDenied):
        services.collective_decision_record(
            province=p.province, year=2026, actor=p.council_member, listed=[my_ly.pk], decided_on=DECIDED
        )
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_vice_chair,
            listed=[my_ly.pk],
            left_out={tam_quang.pk: "Chờ kết quả xác minh vụ việc ngày 10/11/2026"},
            decided_on=DECIDED,
            signer_title="Phó Chủ tịch UBND tỉnh",
        )
    # The provincial People's Committee numbers in the office's register: a draft until the clerk does.
    assert collective.is_draft and collective.decisions.count() == 1
    assert Dossier.objects.get(pk=my_ly.pk).state == "recognised"
    left = Dossier.objects.get(pk=tam_quang.pk)
    assert left.state == "appraised" and left.events.last().comment.startswith("Chờ kết quả xác minh")
    draft = Document.objects.get(collective=collective)
    assert draft.draft and draft.verification_code is None
    html = render_html(draft)
    assert "DỰ THẢO" in html and "KT. CHỦ TỊCH" in html and "PHÓ CHỦ TỊCH" in html
    assert "Biên bản họp Hội đồng xét duyệt số\u00a001/BB-HĐXD ngày 20 tháng 11 năm 2026" in html

    clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_tinh")
    with pytest.raises(services.DossierActionError, match="cùng quyết định"):  # not one commune alone
        services.record_issue(
            record=RecognitionDecision.objects.get(dossier=my_ly),
            actor=clerk,
            number=9,
            issued_on=datetime.date(2026, 11, 25),
            dispatch_number=9,
        )
    with django_capture_on_commit_callbacks(execute=False):
        services.record_issue(
            record=collective, actor=clerk, number=215, issued_on=datetime.date(2026, 11, 25)
        )
    collective.refresh_from_db()
    assert collective.number_display == "215/QĐ-UBND"
    assert RecognitionDecision.objects.get(dossier=my_ly).number_display == "215/QĐ-UBND"
    issued = Document.objects.get(collective=collective)
    assert not issued.draft and issued.verification_code
    html = render_html(issued)
    assert "Số:&nbsp;215/QĐ-UBND" in html and "Công nhận 1 đơn vị cấp xã" in html
    # Once issued and rendered, the commune's officials receive it by e-mail, the PDF attached.
    for user, address in ((p.commune_police, "ca.myly@example.vn"), (p.commune_chair, "ct.myly@example.vn")):
        user.email = address
        user.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_render(document_id=issued.pk)
    (message,) = mail.outbox
    assert sorted(message.to) == ["ca.myly@example.vn", "ct.myly@example.vn"]
    assert message.subject == "Quyết định số 215/QĐ-UBND: công nhận Xã Mỹ Lý năm 2026"
    assert message.attachments[0][0] == "Quyết định 215-QĐ-UBND.pdf"
    assert message.attachments[0][1][:5] == b"%PDF-"
    assert "Xã Mỹ Lý" in html and "(Kèm theo Quyết định số 215/QĐ-UBND ngày 25 tháng 11 năm 2026" in html


def test_one_decision_for_forty_communes_one_number_one_annex_of_forty_rows(
    province_people, official, django_capture_on_commit_callbacks
):
    p = province_people
    IssuingBody.objects.filter(code=p.province.code).delete()
    IssuingBody.objects.create(
        code=p.province.code,
        kind="ubnd",
        level="province",
        name="Ủy ban nhân dân tỉnh Nghệ An",
        numbering="application",
    )
    from assessments.models import CriteriaSet

    criteria_set = CriteriaSet.objects.filter(procedure="province").first()
    dossiers = []
    for i in range(40):
        commune = Commune.objects.create(
            code=f"9{i:04d}",
            name=f"Xã Thử {i + 1:02d}",
            kind="xa",
            province=p.province,
            valid_from=datetime.date(2025, 7, 1),
        )
        dossier = DossierFactory(commune=commune, year=2026, criteria_set=criteria_set)
        SituationCounts.objects.create(dossier=dossier, population=4000, classification="III")
        official(Role.COMMUNE_CHAIR, commune, username=f"ct_thu_{i}")  # each commune is told
        dossiers.append(dossier)
    # Test set-up only: the council's vote is covered above; here, one decision for forty communes.
    put_in_state(dossiers, Dossier.State.RECOMMENDED)
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[d.pk for d in dossiers],
            decided_on=DECIDED,
        )
    assert collective.number_display == "01/QĐ-UBND"
    assert set(
        RecognitionDecision.objects.filter(collective=collective).values_list("number", flat=True)
    ) == {1}
    assert Dossier.objects.filter(pk__in=[d.pk for d in dossiers], state="recognised").count() == 40
    # Forty communes told, each its own notice in the application (and its e-mail with the PDF).
    told = Notification.objects.filter(event__transition="recognise", dossier__in=dossiers)
    assert told.values("dossier").distinct().count() == 40
    assert set(told.values_list("recipient__username", flat=True)) == {f"ct_thu_{i}" for i in range(40)}
    document = services.document_render(document_id=Document.objects.get(collective=collective).pk)
    text = subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Công nhận 40 đơn vị cấp xã" in text
    assert all(f"Xã Thử {i:02d}" in text for i in range(1, 41))
    assert "DANH SÁCH" in text and "Kèm theo Quyết định số 01/QĐ-UBND" in text
    # The annex (Decree 30, App. I III.1): "Phụ lục", its name in capitals, what the decision decides
    # (never the Article 4 type: a list of drug-free communes calls none of them a key drug area), and
    # page numbers of its own: none on its first page, then 2, 3...
    words = " ".join(text.split())
    assert "Công nhận 40 đơn vị cấp xã đạt tiêu chí địa bàn không ma túy năm 2026" in words
    assert "DANH SÁCH ĐƠN VỊ CẤP XÃ ĐẠT TIÊU CHÍ ĐỊA BÀN KHÔNG MA TÚY NĂM 2026" in words
    pages = [page.strip().splitlines() for page in text.split("\f") if page.strip()]
    first = next(i for i, lines in enumerate(pages) if lines[0].strip() == "Phụ lục")
    assert not any("trọng điểm" in line for lines in pages[first:] for line in lines)
    assert first >= 1 and len(pages) > first + 1
    assert [lines[0].strip() for lines in pages[first + 1 :]] == [
        str(n) for n in range(2, len(pages) - first + 1)
    ]
    keep_sample(document, "collective_decision")
    keep_sample(document, "collective_decision-annex", page=2)


def test_the_page_keeps_what_was_typed_when_a_reason_is_missing(recommended, client):
    p = recommended
    client.force_login(p.provincial_chair)
    url = reverse("recognition:collective_decision", args=[2026])
    my_ly, tam_quang = p.dossier[p.new_my_ly.pk], p.dossier[p.tam_quang.pk]
    response = client.post(
        url,
        {
            f"include_{my_ly.pk}": "on",
            "decided_on": "2026-11-24",
            "signer_title": "Chủ tịch",
            "confirmed": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nêu lý do không đưa xã này vào quyết định." in page and 'value="Chủ tịch"' in page
    assert Dossier.objects.get(pk=tam_quang.pk).state == "recommended"
    client.force_login(p.council_member)
    assert client.post(url, {}).status_code == 403
    assert "Xã Mỹ Lý" in client.get(url).content.decode()  # members read the list


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_chairs_issuing_the_same_list_at_once_make_one_decision(recommended, monkeypatch):
    assert connection.vendor == "postgresql"
    p = recommended
    monkeypatch.setattr(services.documents, "documents_enqueue", lambda document_ids: 0)
    listed = [p.dossier[p.new_my_ly.pk].pk, p.dossier[p.tam_quang.pk].pk]
    barrier = threading.Barrier(2)
    outcomes = []

    def issue(chair):
        try:
            barrier.wait()
            services.collective_decision_record(
                province=p.province, year=2026, actor=chair, listed=listed, decided_on=DECIDED
            )
            outcomes.append("issued")
        except services.DossierActionError as error:
            outcomes.append(error.message)
        except Exception as error:  # anything else fails below, named
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=issue, args=(c,)) for c in (p.provincial_chair, p.provincial_vice_chair)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    refused = [o for o in outcomes if o != "issued"]
    assert outcomes.count("issued") == 1 and len(refused) == 1, outcomes
    assert "Danh sách đã thay đổi: 2 xã trong danh sách không còn chờ quyết định" in refused[0]
    assert CollectiveDecision.objects.count() == 1
    assert RecognitionDecision.objects.filter(dossier_id__in=listed).count() == 2


def test_the_decision_date_follows_the_council_session(recommended):
    p = recommended
    with pytest.raises(services.DossierActionError) as refused:
        services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk],
            decided_on=SESSION_DAY - datetime.timedelta(days=1),
        )
    assert "phiên họp Hội đồng làm căn cứ (20/11/2026)" in refused.value.message


def test_the_chairman_takes_a_commune_off_the_list_by_a_decision_with_a_reason(
    recommended, django_capture_on_commit_callbacks
):
    """Article 9.2.b: a recognised commune is removed from the year's list during the year."""
    p = recommended
    body = issuing_body_for(unit=p.province, kind="ubnd")  # this office lets the application number
    IssuingBody.objects.filter(pk=body.pk).update(numbering="application")
    my_ly, tam_quang = p.dossier[p.new_my_ly.pk], p.dossier[p.tam_quang.pk]
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[my_ly.pk, tam_quang.pk],
            decided_on=DECIDED,
        )
        removal = services.decision_revoke(
            decision=RecognitionDecision.objects.get(dossier=my_ly),
            actor=p.provincial_chair,
            incident_date=datetime.date(2026, 11, 25),
            incident_description="Phát hiện 01 điểm tổ chức sử dụng trái phép chất ma túy",
            reason="Không còn đạt tiêu chí tại Điều 6",
            decided_on=datetime.date(2026, 11, 26),
            signer_title="Chủ tịch UBND tỉnh",
        )
    assert collective.number_display == "01/QĐ-UBND" and removal.number_display == "02/QĐ-UBND"
    assert Dossier.objects.get(pk=my_ly.pk).state == "revoked"
    assert Dossier.objects.get(pk=tam_quang.pk).state == "recognised"  # the others stay on the list
    html = render_html(Document.objects.get(revocation=removal))
    keep_sample(services.document_render(document_id=Document.objects.get(revocation=removal).pk), "removal")
    assert (
        "Về việc đưa xã Mỹ Lý ra khỏi Danh sách đơn vị cấp xã đạt tiêu chí “không ma túy” năm&nbsp;2026"
        in html
    )
    assert "ban hành kèm theo Quyết định số 01/QĐ-UBND ngày 24 tháng 11 năm 2026" in html
    assert "Chánh Văn phòng Ủy ban nhân dân tỉnh Nghệ An, Giám đốc Công an tỉnh Nghệ An" in html
