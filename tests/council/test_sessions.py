"""The review council (Hội đồng xét duyệt, Decision 28/2025): the provincial police set it up and put
appraised communes on a session's agenda; the secretary records attendance and votes; closing the
session tallies them (quorum: more than half of the voting members present; recommended: votes for
more than half of those present), moves each dossier and renders the minutes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import Dossier
from council import services as council_services
from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests.recognition.conftest import SESSION_DAY, keep_sample


def votes_of(p, plan: dict) -> dict:
    """{commune: {username: choice}} -> the service's {(item id, member id): choice}."""
    return {
        (p.item[commune.pk].pk, p.seat[username].pk): choice
        for commune, choices in plan.items()
        for username, choice in choices.items()
    }


VOTERS = ("pct_tinh", "pc04", "soyte", "bienphong")


def test_only_the_standing_body_sets_up_the_council_and_only_appraised_dossiers_go_on_the_agenda(council):
    p = council
    with pytest.raises(PermissionDenied):
        council_services.council_set_up(province=p.province, year=2026, seats=[], actor=p.council_secretary)
    with pytest.raises(services.DossierActionError, match="một chủ tịch"):
        council_services.council_set_up(
            province=p.province,
            year=2026,
            seats=[{"user": p.council_member, "seat": "member", "position": "Sở"}],
            actor=p.provincial_police,
        )
    with pytest.raises(services.DossierActionError, match="của tỉnh"):  # an official of another province
        council_services.council_set_up(
            province=p.province,
            year=2026,
            seats=[
                {"user": p.provincial_chair, "seat": "chair", "position": "Chủ tịch"},
                {"user": p.other_province_police, "seat": "secretary", "position": "Công an tỉnh khác"},
            ],
            actor=p.provincial_police,
        )
    with pytest.raises(services.DossierActionError, match="chưa kết thúc"):  # already on this session
        council_services.session_schedule(
            council=p.council,
            held_on=SESSION_DAY,
            starts_at=datetime.time(14, 0),
            place="Phòng họp",
            dossiers=p.dossiers[:1],
            actor=p.provincial_police,
        )


def test_exactly_half_present_is_no_quorum(council):
    p = council
    present = {p.seat["pct_tinh"].pk, p.seat["soyte"].pk, p.seat["thuky"].pk}  # 2 of 4 voters + secretary
    plan = {d.commune: {"pct_tinh": "for", "soyte": "for"} for d in p.dossiers}
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes_of(p, plan)
    )
    assert council_services.session_quorum(p.session) == (2, 4, False)
    with pytest.raises(services.DossierActionError) as refused:
        council_services.session_close(
            session=p.session, actor=p.council_secretary, ends_at=datetime.time(10, 0)
        )
    assert "Không đủ số thành viên: 2/4 thành viên có mặt" in refused.value.message
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in p.dossiers]).values_list("state", flat=True)) == {
        "appraised"
    }


def test_the_procedures_quorum_is_its_data_not_a_setting(council):
    """The same attendance (2 of 4 voting members) holds once the criteria set's quorum is lowered to
    40 %: the session closes and the communes are recommended, no setting touched."""
    from assessments.models import CriteriaSet

    p = council
    criteria_set = p.dossiers[0].criteria_set
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        decision_rules={**criteria_set.decision_rules, "council_quorum_share": 0.4}
    )
    present = {p.seat["pct_tinh"].pk, p.seat["soyte"].pk, p.seat["thuky"].pk}
    plan = {d.commune: {"pct_tinh": "for", "soyte": "for"} for d in p.dossiers}
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes_of(p, plan)
    )
    assert council_services.session_quorum(p.session) == (2, 4, True)
    council_services.session_close(session=p.session, actor=p.council_secretary, ends_at=datetime.time(10, 0))
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in p.dossiers]).values_list("state", flat=True)) == {
        "recommended"
    }


def test_the_procedures_majority_is_its_data_not_a_setting(council):
    """Three votes for out of four present recommend at the majority in force (more than half), not
    once the criteria set asks for more than three quarters."""
    from assessments.models import CriteriaSet

    p = council
    criteria_set = p.dossiers[0].criteria_set
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        decision_rules={**criteria_set.decision_rules, "council_majority_share": 0.75}
    )
    voters = ("pct_tinh", "pc04", "soyte", "bienphong")
    present = {p.seat[u].pk for u in voters}
    plan = {
        d.commune: {"pct_tinh": "for", "pc04": "for", "soyte": "for", "bienphong": "against"}
        for d in p.dossiers
    }
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes_of(p, plan)
    )
    council_services.session_close(session=p.session, actor=p.council_secretary, ends_at=datetime.time(10, 0))
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in p.dossiers]).values_list("state", flat=True)) == {
        "not_recommended"
    }


def test_only_present_members_of_the_council_vote_and_only_the_secretary_records(council):
    p = council
    present = {p.seat[u].pk for u in VOTERS[:3]}
    with pytest.raises(services.DossierActionError, match="có mặt"):  # bienphong is absent
        council_services.session_record(
            session=p.session,
            actor=p.council_secretary,
            present=present,
            votes=votes_of(p, {p.new_my_ly: {"bienphong": "for"}}),
        )
    with pytest.raises(
        services.DossierActionError, match="thành viên Hội đồng"
    ):  # not a seat of this council
        council_services.session_record(
            session=p.session,
            actor=p.council_secretary,
            present=present,
            votes={(p.item[p.new_my_ly.pk].pk, 999999): "for"},
        )
    with pytest.raises(services.DossierActionError, match="có mặt"):  # the secretary does not vote
        council_services.session_record(
            session=p.session,
            actor=p.council_secretary,
            present=present | {p.seat["thuky"].pk},
            votes=votes_of(p, {p.new_my_ly: {"thuky": "for"}}),
        )
    with pytest.raises(PermissionDenied):
        council_services.session_record(session=p.session, actor=p.member_health, present=present, votes={})


def test_the_tally_recommends_on_a_majority_of_those_present_and_a_tie_is_not_one(
    council, django_capture_on_commit_callbacks
):
    p = council
    present = {p.seat[u].pk for u in (*VOTERS, "thuky")}
    plan = {
        p.new_my_ly: dict.fromkeys(VOTERS, "for"),
        p.bac_ly: {"pct_tinh": "for", "pc04": "for", "soyte": "against", "bienphong": "against"},  # a tie
        p.tam_quang: {"pct_tinh": "for", "pc04": "for", "soyte": "for", "bienphong": "abstain"},
    }
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes_of(p, plan)
    )
    with django_capture_on_commit_callbacks(execute=False):
        council_services.session_close(
            session=p.session,
            actor=p.council_secretary,
            ends_at=datetime.time(10, 30),
            conclusion="Hội đồng thống nhất kết quả biểu quyết.",
            reasons={p.item[p.bac_ly.pk].pk: "Còn 02 điểm phức tạp về ma túy chưa được xử lý"},
        )
    states = {d.commune_id: d.state for d in Dossier.objects.filter(pk__in=[d.pk for d in p.dossiers])}
    assert states == {
        p.new_my_ly.pk: "recommended",
        p.bac_ly.pk: "not_recommended",
        p.tam_quang.pk: "recommended",
    }
    event = Dossier.objects.get(pk=p.item[p.bac_ly.pk].dossier_id).events.last()
    assert (event.transition, event.actor) == ("not_recommend", p.council_secretary)
    assert "2 tán thành, 2 không tán thành, 0 ý kiến khác" in event.comment
    minutes = Document.objects.get(kind="council_minutes", minutes_of=p.session)
    keep_sample(services.document_render(document_id=minutes.pk), "council_minutes")
    assert minutes.number_display == "01/BB-HĐXD"
    html = render_html(minutes)
    assert "HỘI ĐỒNG XÉT DUYỆT" in html and "4/4 thành viên có quyền biểu quyết" in html
    assert (
        "Dân số 5200; người có hồ sơ quản lý 2 (không thuộc diện loại trừ 0)" in html
    )  # each commune's counts
    assert "Không đề nghị công nhận Xã Bắc Lý: Còn 02 điểm phức tạp về ma túy chưa được xử lý." in html
    assert "CHỦ TỊCH HỘI ĐỒNG" in html and "Đặng Văn Phó" in html and "Hồ Thị Thư" in html
    # One notice tells the communes not recommended, with the council's reason.
    notice = services.document_render(
        document_id=Document.objects.get(kind="council_notice", notice_of=p.session).pk
    )
    assert notice.number_display == "01/TB-HĐXD"
    html = render_html(notice)
    assert "Kính gửi: Ủy ban nhân dân xã Bắc Lý." in html
    assert (
        "1. Xã Bắc Lý: Còn 02 điểm phức tạp về ma túy chưa được xử lý. (Tán thành 2, không tán thành 2"
        in html
    )
    assert "TM. HỘI ĐỒNG" in html and "Đặng Văn Phó" in html and "Xã Mỹ Lý" not in html
    keep_sample(notice, "council_notice")
    with pytest.raises(services.DossierConflict):
        council_services.session_record(
            session=p.session, actor=p.council_secretary, present=present, votes={}
        )


def test_members_read_the_agenda_and_the_secretary_votes_in_the_page(council, client):
    p = council
    url = reverse("council:session", args=[p.session.pk])
    client.force_login(p.member_health)
    page = client.get(url).content.decode()
    assert "Xã Bắc Lý" in page and "Kết thúc phiên họp" not in page
    assert client.post(url, {}).status_code == 403
    client.force_login(p.other_province_police)
    assert client.get(url).status_code == 404
    client.force_login(p.council_secretary)
    data = {f"present_{p.seat[u].pk}": "on" for u in VOTERS}
    for item in p.item.values():
        for username in VOTERS:
            data[f"vote_{item.pk}_{p.seat[username].pk}"] = "for"
    data.update({"ends_at": "09:00", "close": "1", "confirmed": "1"})
    response = client.post(url, {**data, "ends_at": "07:00"})  # before it started: refused, kept
    assert response.status_code == 400
    assert "Phiên họp phải kết thúc sau khi bắt đầu." in response.content.decode()
    assert client.post(url, data).status_code == 302
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in p.dossiers]).values_list("state", flat=True)) == {
        "recommended"
    }
