"""Numbers come from the issuing body's own register: the application's, or the office clerk's (văn thư).

A People's Committee numbers in the office's register by default: the chair's approved decision is a
draft (DỰ THẢO, no number) until the clerk enters the number and the date of issue; a number already
used in that register and year is refused. The police let the application keep their register."""

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from assessments.models import Dossier
from communes.models import District, IssuingBody, RegisterNumber
from communes.permissions import forget_grants
from communes.services import issuing_body_for
from recognition import services
from recognition.documents import render_html
from recognition.models import Document, RecognitionDecision
from tests import workflow
from tests.factories import DossierFactory

APPROVED = datetime.date(2024, 12, 2)


def appraised(people, year=2024, inspected=datetime.date(2024, 10, 1)):
    dossier = DossierFactory(commune=people.my_ly, year=year)
    return workflow.appraise(
        workflow.submit(dossier, people.officer), people.police, inspection_date=inspected
    )


def approve(people, dossier, outcome="recognised"):
    return services.decision_record(
        dossier=dossier, actor=people.chair, outcome=outcome, decided_on=APPROVED, reasons="Lý do"
    )


@pytest.mark.django_db
def test_a_peoples_committee_numbers_in_the_office_register_and_the_police_in_the_application(people):
    district = District.objects.exclude(code__in=["417", "428"]).first()  # no document issued yet
    assert issuing_body_for(unit=district, kind="ubnd").numbering == "clerk"
    police = issuing_body_for(unit=district, kind="police")
    assert (police.code, police.numbering, police.symbol("minutes")) == (
        f"CA-{district.code}",
        "application",
        "BB-CAH",
    )
    assert police.name == f"Công an huyện {district.name.split(' ', 1)[1]}"


@pytest.mark.district_clock
@pytest.mark.django_db
def test_an_approved_decision_is_a_draft_without_number_until_the_clerk_enters_it(
    clerk_mode, client, django_capture_on_commit_callbacks
):
    people = clerk_mode
    with django_capture_on_commit_callbacks(execute=False):
        decision = approve(people, appraised(people))
    assert decision.number is None and decision.is_draft
    drafts = Document.objects.filter(decision=decision, draft=True)
    assert sorted(drafts.values_list("kind", flat=True)) == ["notification", "recognition"]
    assert all(d.verification_code is None for d in drafts)  # a draft is never verifiable
    html = render_html(drafts.get(kind="recognition"))
    assert "DỰ THẢO" in html and "/QĐ-UBND" in html and "01/QĐ-UBND" not in html

    # The chair cannot number it; the clerk sees it in the register and enters the office's number.
    client.force_login(people.chair)
    assert client.get(reverse("recognition:issue", args=["decision", decision.pk])).status_code == 403
    client.force_login(people.clerk)
    assert people.my_ly.name in client.get(reverse("recognition:register")).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("recognition:issue", args=["decision", decision.pk]),
            {"number": "37", "issued_on": "2024-12-04", "dispatch_number": "112", "confirmed": "1"},
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.number_display, decision.decided_on, decision.numbered_by) == (
        "37/QĐ-UBND",
        datetime.date(2024, 12, 4),
        people.clerk,
    )
    issued = Document.objects.filter(decision=decision)
    assert not issued.filter(draft=True).exists()
    assert issued.get(kind="notification").number_display == "112/UBND-CA"
    assert issued.get(kind="recognition").verification_code
    assert "DỰ THẢO" not in render_html(issued.get(kind="recognition"))


@pytest.mark.district_clock
@pytest.mark.django_db
def test_a_number_already_used_in_the_register_that_year_is_refused_with_what_was_typed_kept(
    clerk_mode, client, django_capture_on_commit_callbacks
):
    people = clerk_mode
    with django_capture_on_commit_callbacks(execute=False):
        first = approve(people, appraised(people))
        second = approve(people, appraised(people, year=2023, inspected=datetime.date(2023, 10, 1)))
        services.record_issue(
            record=first,
            actor=people.clerk,
            number=37,
            issued_on=datetime.date(2024, 12, 4),
            dispatch_number=112,
        )
    client.force_login(people.clerk)
    response = client.post(
        reverse("recognition:issue", args=["decision", second.pk]),
        {"number": "37", "issued_on": "2024-12-05", "dispatch_number": "113", "confirmed": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Số 37 đã được dùng trong sổ văn bản năm 2024 của Ủy ban nhân dân huyện Kỳ Sơn." in page
    assert 'value="37"' in page and 'value="113"' in page
    second.refresh_from_db()
    assert second.number is None
    # The same number in the next year's register is another number.
    with django_capture_on_commit_callbacks(execute=False):
        services.record_issue(
            record=second,
            actor=people.clerk,
            number=37,
            issued_on=datetime.date(2025, 1, 6),
            dispatch_number=1,
        )
    assert RecognitionDecision.objects.get(pk=second.pk).number_display == "37/QĐ-UBND"


@pytest.mark.district_clock
@pytest.mark.django_db
def test_the_clerks_date_follows_the_approval_and_the_districts_end(
    clerk_mode, django_capture_on_commit_callbacks
):
    people = clerk_mode
    with django_capture_on_commit_callbacks(execute=False):
        decision = approve(people, appraised(people))
    with pytest.raises(services.DossierActionError) as refused:
        services.record_issue(
            record=decision,
            actor=people.clerk,
            number=5,
            issued_on=datetime.date(2024, 12, 1),
            dispatch_number=5,
        )
    assert "Văn bản không được mang ngày trước ngày người có thẩm quyền ký duyệt (02/12/2024)." in (
        refused.value.message
    )
    # After the district ceased its clerk gives no number at all (F17); an administrator is refused a
    # date after the body's last day.
    with time_machine.travel(datetime.datetime(2025, 7, 5, 9, 0, tzinfo=datetime.UTC)):
        forget_grants(people.clerk)  # what the clerk held is read again, on the new day
        with pytest.raises(PermissionDenied):
            services.record_issue(
                record=decision,
                actor=people.clerk,
                number=5,
                issued_on=datetime.date(2025, 6, 30),
                dispatch_number=5,
            )
        with pytest.raises(services.DossierActionError) as refused:
            services.record_issue(
                record=decision,
                actor=people.admin,
                number=5,
                issued_on=datetime.date(2025, 7, 1),
                dispatch_number=5,
            )
    assert "Các cơ quan của quy trình này chỉ ban hành văn bản đến ngày 30/06/2025" in refused.value.message
    assert not RegisterNumber.objects.filter(body__code="417", number=5).exists()


@pytest.mark.district_clock
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_giving_the_same_number_at_once_cannot_both_have_it(clerk_mode, monkeypatch):
    # The two decisions are one commune's two years: the later one, once numbered, ends the earlier
    # recognition, so the two transactions also meet on the decisions' rows (a deadlock, before the
    # register was locked first).
    assert connection.vendor == "postgresql"
    people = clerk_mode
    monkeypatch.setattr(services.documents, "documents_enqueue", lambda document_ids: 0)
    decisions = [
        approve(people, appraised(people, year=year, inspected=datetime.date(year, 10, 1)))
        for year in (2023, 2024)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def give(decision, dispatch):
        try:
            barrier.wait()
            services.record_issue(
                record=decision,
                actor=people.clerk,
                number=9,
                issued_on=datetime.date(2024, 12, 10),
                dispatch_number=dispatch,
            )
            outcomes.append("numbered")
        except services.DossierActionError as error:
            outcomes.append(error.message)
        except Exception as error:  # anything else fails the test below, named
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=give, args=(d, 20 + i)) for i, d in enumerate(decisions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[-1] == "numbered" and "đã được dùng" in sorted(outcomes)[0]
    assert RecognitionDecision.objects.filter(number=9, year=2024).count() == 1


@pytest.mark.district_clock
@pytest.mark.django_db
def test_the_application_register_refuses_a_date_earlier_than_its_last_number(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.decision_record(
            dossier=appraised(people),
            actor=people.chair,
            outcome="recognised",
            decided_on=datetime.date(2024, 12, 10),
        )
        with pytest.raises(services.DossierActionError) as refused:
            services.decision_record(
                dossier=appraised(people, year=2023, inspected=datetime.date(2023, 10, 1)),
                actor=people.chair,
                outcome="recognised",
                decided_on=datetime.date(2024, 12, 9),
            )
    assert "đã có số 01 ngày 10/12/2024: số sau không thể mang ngày sớm hơn." in refused.value.message


@pytest.mark.district_clock
@pytest.mark.django_db
def test_completing_the_appraisal_numbers_the_minutes_and_the_proposal_and_the_decision_cites_them(
    people, django_capture_on_commit_callbacks
):
    dossier = appraised(people)
    appraisal = dossier.appraisal
    assert (appraisal.minutes_display, appraisal.proposal_display) == ("01/BB-CAH", "01/TTr-CAH")
    with django_capture_on_commit_callbacks(execute=False):
        decision = approve(people, dossier)
    html = render_html(Document.objects.get(decision=decision, kind="recognition"))
    assert (
        "Xét đề nghị của Trưởng Công an huyện Kỳ Sơn tại Tờ trình số\u00a001/TTr-CAH ngày 01 tháng 10 năm 2024 "
        "về việc đề nghị xét công nhận xã Mỹ Lý đạt tiêu chí “sạch về ma túy” năm\u00a02024 "
        "và Biên bản kiểm tra, thẩm định số\u00a001/BB-CAH ngày 01 tháng 10 năm 2024." in html
    )


@pytest.mark.district_clock
@pytest.mark.django_db
def test_a_decision_cannot_be_dated_before_the_proposal_nor_after_the_districts_ended(people):
    dossier = appraised(people, inspected=datetime.date(2024, 10, 1))
    Dossier.objects.get(pk=dossier.pk).appraisal.__class__.objects.filter(dossier=dossier).update(
        proposal_date=datetime.date(2024, 10, 8)
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    with pytest.raises(services.DossierActionError) as refused:
        services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 10, 7)
        )
    assert "trước ngày Tờ trình của cơ quan Công an (08/10/2024)" in refused.value.message
    # After the district ceased: its chair decides nothing (F17); an administrator is refused a date
    # after the body's last day.
    with time_machine.travel(datetime.datetime(2025, 7, 5, 9, 0, tzinfo=datetime.UTC)):
        forget_grants(people.chair)  # what the chair held is read again, on the new day
        with pytest.raises(PermissionDenied):
            services.decision_record(
                dossier=dossier,
                actor=people.chair,
                outcome="recognised",
                decided_on=datetime.date(2025, 6, 30),
            )
        with pytest.raises(services.DossierActionError) as refused:
            services.decision_record(
                dossier=dossier,
                actor=people.admin,
                outcome="recognised",
                decided_on=datetime.date(2025, 7, 1),
            )
    assert "chỉ ban hành văn bản đến ngày 30/06/2025" in refused.value.message
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"


@pytest.mark.district_clock
@pytest.mark.django_db
def test_an_inspection_before_the_evaluated_year_is_refused_on_the_form(people, client):
    dossier = services_start(people)
    client.force_login(people.police)
    data = workflow.appraisal_form(dossier, "2023-12-31")
    response = client.post(reverse("assessments:appraisal", args=[dossier.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Việc kiểm tra, thẩm định kết quả năm 2024 không thể diễn ra trước năm 2024." in page
    assert 'value="2023-12-31"' in page and "Lương Thị Hoa" in page


def services_start(people):
    from assessments import services as dossier_services

    dossier = workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer)
    return dossier_services.dossier_start_appraisal(dossier=dossier, actor=people.police)


@pytest.mark.django_db
def test_the_summary_is_numbered_in_the_provincial_polices_register_dated_and_signed(
    people, django_capture_on_commit_callbacks
):
    issuing_body_for(unit=people.province, kind="ubnd")  # the provincial People's Committee's register
    people.provincial_police.full_name = "Trần Văn Giám"
    people.provincial_police.save(update_fields=["full_name"])
    with django_capture_on_commit_callbacks(execute=False):
        summary = services.summary_request(
            year=2024,
            province=people.province,
            actor=people.provincial_police,
            issued_on=datetime.date(2024, 12, 12),
            signer_title="Phó Giám đốc",
        )
    assert summary.number_display == "01/CAT-PC04"
    assert RegisterNumber.objects.get(body__code="CA-40", series="dispatch").number == 1
    assert not RegisterNumber.objects.filter(body__code="40").exists()
    html = render_html(summary)
    assert "Nghệ An, ngày 12 tháng 12 năm 2024" in html
    assert "KT. GIÁM ĐỐC" in html and "PHÓ GIÁM ĐỐC" in html and "Trần Văn Giám" in html
    with pytest.raises(services.DossierActionError):
        services.summary_request(
            year=2025,
            province=people.province,
            actor=people.provincial_police,
            issued_on=datetime.date(2024, 12, 31),
        )
    assert IssuingBody.objects.get(code="CA-40").name == "Công an tỉnh Nghệ An"


@pytest.mark.district_clock
@pytest.mark.django_db
def test_an_appraisal_sent_back_and_completed_again_keeps_its_numbers(people):
    from assessments import services as dossier_services

    dossier = appraised(people)
    first = (dossier.appraisal.minutes_display, dossier.appraisal.proposal_display)
    dossier = dossier_services.dossier_send_back(
        dossier=dossier, actor=people.chair, reason="Bổ sung biên bản"
    )
    dossier = dossier_services.dossier_complete_appraisal(dossier=dossier, actor=people.police)
    dossier.appraisal.refresh_from_db()
    assert (
        (dossier.appraisal.minutes_display, dossier.appraisal.proposal_display)
        == first
        == ("01/BB-CAH", "01/TTr-CAH")
    )
    assert RegisterNumber.objects.filter(body__code="CA-417").count() == 2
