"""The police's papers are prepared when the appraisal is completed, each with its own number, date and
issuer: the district's minutes and Tờ trình (one per dossier), the provincial police's appraisal report
under Decision 28, where the standing body sends one Tờ trình per council session and none per dossier."""

import datetime

import pytest
from django.urls import reverse

from assessments import services as dossier_services
from assessments import workflow as table
from communes.models import RegisterNumber
from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_every_effect_the_table_names_is_registered():
    named = {
        e for p in table.PROCEDURES.values() for r in p.states.values() for s in r.steps for e in s.effects
    }
    assert named == {"number_appraisal", "prepare_appraisal_papers"}
    assert named <= set(dossier_services.STEP_EFFECTS)


@pytest.mark.district_clock
def test_completing_a_district_appraisal_prepares_the_minutes_and_the_proposal(
    people, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = workflow.appraise(
            workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
            people.police,
            inspection_date=datetime.date(2024, 10, 1),
        )
    assert callbacks  # sent to the workers once the completion commits
    papers = {d.kind: d for d in Document.objects.filter(dossier=dossier)}
    assert set(papers) == {"appraisal_minutes", "proposal"}  # before any decision
    proposal = papers["proposal"]
    assert proposal.decision_id is None and proposal.status == "pending"
    assert proposal.issued_on == dossier.appraisal.proposal_date
    html = render_html(proposal)
    assert "TỜ TRÌNH" in html and "Số:&nbsp;01/TTr-CAH" in html
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Kỳ Sơn." in html
    assert "Biên bản kiểm tra, thẩm định số\u00a001/BB-CAH ngày 01 tháng 10 năm 2024" in html
    assert '<div class="title">TRƯỞNG CÔNG AN</div>' in html and "- Lưu: VT" in html
    # Listed on the dossier's page, for whoever sees the dossier.
    services.document_render(document_id=proposal.pk)
    client.force_login(people.officer)
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert reverse("recognition:document_download", args=[proposal.pk]) in page


@pytest.mark.district_clock
def test_completed_again_after_being_sent_back_the_same_papers_are_rendered_again(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        dossier = workflow.appraise(
            workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
            people.police,
            inspection_date=datetime.date(2024, 10, 1),
        )
        before = {d.kind: (d.pk, d.verification_code) for d in Document.objects.filter(dossier=dossier)}
        dossier_services.dossier_send_back(dossier=dossier, actor=people.chair, reason="Bổ sung biên bản")
        dossier_services.dossier_complete_appraisal(dossier=dossier, actor=people.police)
    after = {d.kind: (d.pk, d.verification_code) for d in Document.objects.filter(dossier=dossier)}
    assert set(before) == {"appraisal_minutes", "proposal"} and after == before
    assert RegisterNumber.objects.filter(series="proposal", label=f"dossier {dossier.pk}").count() == 1


def test_the_procedure_in_force_numbers_one_report_per_dossier_and_one_proposal_per_session(recommended):
    p = recommended
    for dossier in p.dossiers:
        assert [d.kind for d in Document.objects.filter(dossier=dossier)] == ["appraisal_report"]
        assert dossier.appraisal.proposal_number is None
    # No Tờ trình per dossier: the police register's proposals are the session's one.
    proposals = RegisterNumber.objects.filter(series="proposal")
    assert [n.label for n in proposals] == [f"council {p.session.pk}"]
    assert RegisterNumber.objects.filter(series="report").count() == len(p.dossiers)
    p.session.refresh_from_db()
    proposal = p.session.proposal
    assert proposal.kind == "session_proposal" and proposal.issued_on == p.session.held_on
    html = render_html(proposal)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Nghệ An." in html
    assert (
        f"Biên bản họp Hội đồng xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An số\u00a0{p.session.minutes.number_display}"
        in html
    )
    # The communes recommended, and only them (Bắc Lý was not).
    assert "Xã Mỹ Lý" in html and "Xã Tam Quang" in html and "Bắc Lý" not in html
    assert '<div class="title">GIÁM ĐỐC</div>' in html


def test_the_appraisal_report_goes_to_the_council_signed_by_the_police(recommended):
    report = Document.objects.filter(kind="appraisal_report").order_by("pk").first()
    html = render_html(report)
    appraisal = report.dossier.appraisal
    assert f"Số:&nbsp;{appraisal.minutes_display}" in html and appraisal.minutes_display.endswith(
        "/BC-CAT-PC04"
    )
    assert "Kính gửi: Hội đồng xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An." in html
    assert "BÁO CÁO" in html and "CÔNG AN TỈNH NGHỆ AN" in html


def test_the_session_lists_its_proposal_and_each_candidate_s_appraisal_report(recommended, client):
    p = recommended
    for document in Document.objects.filter(kind__in=["appraisal_report", "session_proposal"]):
        services.document_render(document_id=document.pk)
    client.force_login(p.council_member)
    page = client.get(reverse("council:session", args=[p.session.pk])).content.decode()
    p.session.refresh_from_db()
    assert reverse("recognition:document_download", args=[p.session.proposal_id]) in page
    for dossier in p.dossiers:
        report = Document.objects.get(dossier=dossier, kind="appraisal_report")
        assert reverse("recognition:document_download", args=[report.pk]) in page


def test_the_chairman_s_decision_cites_the_standing_body_s_proposal(
    recommended, django_capture_on_commit_callbacks
):
    p = recommended
    p.session.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk],
            left_out={p.dossier[p.tam_quang.pk].pk: "Chờ bổ sung hồ sơ"},
            decided_on=datetime.date(2026, 11, 24),
        )
    html = render_html(collective.documents.get(kind="collective_decision"))
    proposal = p.session.proposal
    assert (
        f"Xét đề nghị của Giám đốc Công an tỉnh Nghệ An tại Tờ trình số\u00a0{proposal.number_display} "
        "ngày 20 tháng 11 năm 2026 về việc đề nghị công nhận các xã, phường đạt tiêu chí “không ma túy” "
        f"năm\u00a02026 và Biên bản họp Hội đồng xét duyệt số\u00a0{p.session.minutes.number_display}"
    ) in html
