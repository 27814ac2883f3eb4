"""The council as its secretary runs it (Decision 28/2025): a draft keeps everything typed; the quorum,
the confirmation and the minutes count the voting members and name the secretary apart; votes or
tallies for an agenda of 130 communes; a commune not recommended put on a later session until the
year's decision; and the people around the council are told their work."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import Dossier, DossierEvent, Notification
from communes.models import Commune, IssuingBody, Role
from communes.services import issuing_body_for
from council import services as council_services
from council.models import AgendaItem, CouncilMember, CouncilSession
from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests.factories import DossierFactory, put_in_state
from tests.recognition.conftest import SESSION_DAY, VOTERS
from tests.world import make_official

pytestmark = pytest.mark.django_db
REASON = "Còn 01 điểm nguy cơ về tụ tập sử dụng trái phép chất ma túy tại bản Huồi Cáng"


def votes_form(p, choices: dict[int, dict[str, str]]) -> dict:
    """The secretary's form: the four voting members present, the secretary too, and their votes."""
    data = {f"present_{p.seat[u].pk}": "on" for u in VOTERS}
    secretary = next(m for m in p.seat.values() if m.seat == "secretary")
    data[f"present_{secretary.pk}"] = "on"
    for commune, plan in choices.items():
        for username, choice in plan.items():
            data[f"vote_{p.item[commune].pk}_{p.seat[username].pk}"] = choice
    return data


def split_votes(p) -> dict[int, dict[str, str]]:
    return {
        p.new_my_ly.pk: dict.fromkeys(VOTERS, "for"),
        p.bac_ly.pk: {"pct_tinh": "for", "pc04": "against", "soyte": "against", "bienphong": "abstain"},
        p.tam_quang.pk: dict.fromkeys(VOTERS, "for"),
    }


def test_a_save_a_reload_and_the_close_keep_the_reason_the_end_time_and_the_conclusion(
    client, council, django_capture_on_commit_callbacks
):
    p = council
    url = reverse("council:session", args=[p.session.pk])
    client.force_login(p.council_secretary)
    data = votes_form(p, split_votes(p))
    data.update(
        {
            f"reason_{p.item[p.bac_ly.pk].pk}": REASON,
            "ends_at": "10:30",
            "conclusion": "Hội đồng thống nhất đề nghị công nhận hai xã",
            "save": "1",
        }
    )
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()  # the reload: everything typed is there
    assert REASON in page and 'value="10:30"' in page and "Hội đồng thống nhất đề nghị" in page
    # Close with nothing re-typed: what the draft holds is what is recorded.
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {**votes_form(p, split_votes(p)), "close": "1", "confirmed": "1"})
    assert response.status_code == 302
    session = CouncilSession.objects.get(pk=p.session.pk)
    assert session.status == "closed" and session.ends_at == datetime.time(10, 30)
    assert session.conclusion == "Hội đồng thống nhất đề nghị công nhận hai xã"
    bac_ly = AgendaItem.objects.get(pk=p.item[p.bac_ly.pk].pk)
    assert bac_ly.outcome == "not_recommended" and bac_ly.reason == REASON
    event = DossierEvent.objects.filter(dossier=bac_ly.dossier, to_state="not_recommended").get()
    assert REASON in event.comment and "câu mặc định" not in event.comment
    minutes = Document.objects.get(minutes_of=session, kind="council_minutes")
    notice = Document.objects.get(notice_of=session, kind="council_notice")
    assert REASON in render_html(minutes) and REASON in render_html(notice)


def test_without_a_typed_reason_the_history_says_the_sentence_is_the_applications(
    council, django_capture_on_commit_callbacks
):
    p = council
    close_with_bac_ly_not_recommended(p, django_capture_on_commit_callbacks)  # no reason typed
    event = DossierEvent.objects.get(dossier__commune=p.bac_ly, to_state="not_recommended")
    assert "Hội đồng không ghi lý do; câu mặc định của ứng dụng:" in event.comment


def test_the_quorum_the_confirmation_and_the_minutes_with_a_secretary_who_does_not_vote(
    client, council, django_capture_on_commit_callbacks
):
    p = council
    url = reverse("council:session", args=[p.session.pk])
    secretary = CouncilMember.objects.get(council=p.council, seat="secretary")
    client.force_login(p.council_secretary)
    # Three of the four voting members and the secretary: the quorum counts three of four.
    data = {f"present_{p.seat[u].pk}": "on" for u in VOTERS[:3]}
    data[f"present_{secretary.pk}"] = "on"
    for item in p.item.values():
        for username in VOTERS[:3]:
            data[f"vote_{item.pk}_{p.seat[username].pk}"] = "for"
    data[f"vote_{p.item[p.bac_ly.pk].pk}_{p.seat['soyte'].pk}"] = "abstain"
    data.update({"ends_at": "10:00", "close": "1"})
    page = client.post(
        url, data, follow=True
    ).content.decode()  # the confirmation, before anything is recorded
    assert "3/4 thành viên có quyền biểu quyết có mặt" in page
    assert "Thư ký Hội đồng (không biểu quyết)" in page and "Hồ Thị Thư: có mặt" in page
    assert "2 tán thành, 0 không tán thành, 1 ý kiến khác: Đề nghị công nhận" in page
    assert "Số thành viên có mặt" not in page
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    session = CouncilSession.objects.get(pk=p.session.pk)
    assert (session.present_count, session.members_count) == (3, 4)
    html = render_html(Document.objects.get(minutes_of=session, kind="council_minutes"))
    absent, _, after = html.partition("2. Thành viên vắng mặt:")[2].partition("II. KẾT QUẢ")
    assert "Hồ Văn Biên" in absent and "Hồ Thị Thư" not in absent.split("3. Thư ký")[0]
    assert "3. Thư ký Hội đồng (không biểu quyết), có mặt và ghi biên bản: Ông (bà) Hồ Thị Thư" in html


def big_council(p, *, voters: int = 11):
    """A council of `voters` voting members and a secretary, on an agenda of 130 appraised communes."""
    from assessments.models import CriteriaSet

    seats = [
        {"user": p.provincial_vice_chair, "seat": "chair", "position": "Phó Chủ tịch UBND tỉnh"},
        {"user": p.provincial_police, "seat": "vice_chair", "position": "Giám đốc Công an tỉnh"},
        {"user": p.council_secretary, "seat": "secretary", "position": "Trưởng phòng PC04"},
    ]
    for n in range(voters - 2):
        member = make_official(
            Role.COUNCIL_MEMBER, p.province, username=f"hd{n}", full_name=f"Thành Viên {n}"
        )
        seats.append({"user": member, "seat": "member", "position": f"Giám đốc Sở {n}"})
    council = council_services.council_set_up(
        province=p.province, year=2026, seats=seats, actor=p.provincial_police
    )
    criteria_set = CriteriaSet.objects.get(code="qd28-2025")
    dossiers = []
    for n in range(130):
        commune = Commune.objects.create(
            code=f"9{n:04d}",
            name=f"Xã Thử {n:03d}",
            kind="xa",
            province=p.province,
            valid_from=datetime.date(2025, 7, 1),
        )
        dossier = DossierFactory(commune=commune, year=2026, criteria_set=criteria_set)
        dossiers.append(dossier)
    put_in_state(dossiers, "appraised")
    session = council_services.session_schedule(
        council=council,
        held_on=SESSION_DAY,
        starts_at=datetime.time(8, 0),
        place="Hội trường Công an tỉnh",
        dossiers=list(Dossier.objects.filter(pk__in=[d.pk for d in dossiers])),
        actor=p.provincial_police,
    )
    members = list(council.members.all())
    return session, [m for m in members if m.votes], [m for m in members if not m.votes]


@pytest.mark.parametrize("recording", ["votes", "tallies"])
def test_an_agenda_of_130_communes_and_11_voting_members_is_saved_and_closed(
    client, province_people, recording, django_capture_on_commit_callbacks
):
    p = province_people
    session, voting, (secretary,) = big_council(p)
    url = reverse("council:session", args=[session.pk])
    client.force_login(p.council_secretary)
    if recording == "tallies":
        assert client.post(url, {"action": "recording", "recording": "tallies"}).status_code == 302
    items = list(session.items.order_by("pk"))
    data = {f"present_{m.pk}": "on" for m in [*voting, secretary]}
    for n, item in enumerate(items):
        against = n % 2  # every other commune: one member against
        if recording == "votes":
            for k, member in enumerate(voting):
                data[f"vote_{item.pk}_{member.pk}"] = "against" if against and k == 0 else "for"
        else:
            data.update(
                {
                    f"tally_for_{item.pk}": 11 - against,
                    f"tally_against_{item.pk}": against,
                    f"tally_other_{item.pk}": 0,
                }
            )
        data[f"reason_{item.pk}"] = ""
    data.update({"ends_at": "11:00", "conclusion": "", "save": "1"})
    fields = len(data)
    assert fields < 2500, fields  # votes: 130 × 12 + 16; tallies: 130 × 4 + 16
    assert client.post(url, data).status_code == 302
    del data["save"]
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {**data, "close": "1", "confirmed": "1"})
    assert response.status_code == 302, [str(m) for m in response.wsgi_request._messages]
    outcomes = set(session.items.values_list("outcome", flat=True))
    assert outcomes == {"recommended"}  # 10 or 11 of 11 for
    assert set(session.items.values_list("votes_for", flat=True)) == {10, 11}


def test_a_post_at_the_bound_is_read_and_one_above_it_is_refused_plainly(client, council, settings):
    p = council
    url = reverse("council:session", args=[p.session.pk])
    client.force_login(p.council_secretary)
    bound = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert bound == 2500
    filler = {f"x{n}": "" for n in range(bound - 1)}
    at_bound = client.post(url, {**filler, "save": "1"})
    assert at_bound.status_code == 302  # read and saved (no one present, no vote)
    above = client.post(url, {**filler, "x_more": "", "save": "1"})
    page = above.content.decode()
    assert above.status_code == 400
    assert "Không đọc được nội dung gửi lên" in page and f'data-kept-refused="{url}"' in page
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert "data-keep" in form  # the browser keeps what was typed, and puts it back (static/js/keep.js)


def close_with_bac_ly_not_recommended(p, django_capture_on_commit_callbacks):
    present = {p.seat[u].pk for u in VOTERS}
    plan = split_votes(p)
    votes = {(p.item[c].pk, p.seat[u].pk): choice for c, by in plan.items() for u, choice in by.items()}
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes
    )
    with django_capture_on_commit_callbacks(execute=False):
        council_services.session_close(
            session=p.session, actor=p.council_secretary, ends_at=datetime.time(10, 0)
        )
    return Dossier.objects.get(commune=p.bac_ly, year=2026)


def test_a_commune_not_recommended_goes_on_a_later_session_until_the_years_decision(
    client, council, django_capture_on_commit_callbacks
):
    p = council
    bac_ly = close_with_bac_ly_not_recommended(p, django_capture_on_commit_callbacks)
    assert bac_ly.state == "not_recommended"
    detail = reverse("assessments:dossier_detail", args=[bac_ly.pk])
    client.force_login(p.bac_ly_chair)  # the commune reads what applies, and who acts
    page = client.get(detail).content.decode()
    assert "Đưa ra phiên họp sau của Hội đồng" in page and "Cán bộ Công an tỉnh" in page
    client.force_login(p.provincial_police)
    action = reverse("assessments:dossier_action", args=[bac_ly.pk, "reconsider"])
    response = client.post(action, {"version": bac_ly.version, "reason": "Xã đã khắc phục", "confirmed": "1"})
    assert response.status_code == 302
    bac_ly.refresh_from_db()
    assert bac_ly.state == "appraised"
    assert (
        bac_ly.events.last().transition == "reconsider" and bac_ly.events.last().comment == "Xã đã khắc phục"
    )
    later = council_services.session_schedule(
        council=p.council,
        held_on=datetime.date(2026, 11, 27),
        starts_at=datetime.time(8, 0),
        place="Phòng họp số 1",
        dossiers=[bac_ly],
        actor=p.provincial_police,
    )
    assert later.items.get().dossier == bac_ly


def test_once_the_years_decision_is_issued_a_commune_not_recommended_stays_closed(
    client, council, django_capture_on_commit_callbacks
):
    p = council
    bac_ly = close_with_bac_ly_not_recommended(p, django_capture_on_commit_callbacks)
    body = issuing_body_for(unit=p.province, kind="ubnd")
    IssuingBody.objects.filter(pk=body.pk).update(numbering="application")
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[Dossier.objects.get(commune=p.new_my_ly, year=2026).pk],
            left_out={Dossier.objects.get(commune=p.tam_quang, year=2026).pk: "Chờ xác minh"},
            decided_on=datetime.date(2026, 11, 24),
        )
    client.force_login(p.provincial_police)
    page = client.get(reverse("assessments:dossier_detail", args=[bac_ly.pk])).content.decode()
    assert f"Quyết định năm 2026 số {collective.number_display}" in page
    assert reverse("assessments:dossier_action", args=[bac_ly.pk, "reconsider"]) not in page
    action = reverse("assessments:dossier_action", args=[bac_ly.pk, "reconsider"])
    response = client.get(action)  # refused before the confirmation, with the reason
    assert response.status_code == 302 and response["Location"].endswith(f"/dossiers/{bac_ly.pk}/")
    with pytest.raises(services.DossierConflict, match="đã ban hành"):
        from assessments.services import dossier_act

        dossier_act(dossier=bac_ly, actor=p.provincial_police, transition="reconsider", reason="Thử lại")
    assert Dossier.objects.get(pk=bac_ly.pk).state == "not_recommended"


def test_the_members_are_told_of_a_session_and_of_its_minutes(council, django_capture_on_commit_callbacks):
    p = council
    for n, member in enumerate(CouncilMember.objects.filter(council=p.council).select_related("user")):
        member.user.email = f"hd{n}@example.vn"
        member.user.save(update_fields=["email"])
    mail.outbox.clear()
    seated = set(CouncilMember.objects.filter(council=p.council).values_list("user_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        later = council_services.session_schedule(
            council=p.council,
            held_on=datetime.date(2026, 11, 27),
            starts_at=datetime.time(14, 0),
            place="Phòng họp số 2",
            dossiers=[
                Dossier.objects.create(
                    commune=Commune.objects.create(
                        code="99990",
                        name="Xã Mới",
                        kind="xa",
                        province=p.province,
                        valid_from=datetime.date(2025, 7, 1),
                    ),
                    year=2026,
                    criteria_set=p.dossiers[0].criteria_set,
                    state="appraised",
                )
            ],
            actor=p.provincial_police,
        )
    called = Notification.objects.filter(link=reverse("council:session", args=[later.pk]))
    assert set(called.values_list("recipient_id", flat=True)) == seated
    assert called.first().subject == "Triệu tập Hội đồng: phiên họp ngày 27/11/2026, lúc 14:00"
    assert "Phòng họp số 2" in called.first().note and "Xã Mới" in called.first().note
    assert len(mail.outbox) == len(seated) and "Triệu tập Hội đồng" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close_with_bac_ly_not_recommended(p, django_capture_on_commit_callbacks)
    minutes = Notification.objects.filter(subject__startswith="Biên bản số")
    assert set(minutes.values_list("recipient_id", flat=True)) == seated
    assert "Không đề nghị: Xã Bắc Lý" in minutes.first().note


def test_the_clerk_is_told_when_a_decision_waits_for_its_number(
    official, recommended, django_capture_on_commit_callbacks
):
    p = recommended
    clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_tinh")
    with django_capture_on_commit_callbacks(execute=False):
        services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk, p.dossier[p.tam_quang.pk].pk],
            decided_on=datetime.date(2026, 11, 24),
        )
    notice = Notification.objects.get(recipient=clerk)
    assert notice.subject.startswith("Quyết định chờ cấp số: quyết định công nhận 2 đơn vị cấp xã")
    assert notice.link == reverse("recognition:register")


def test_the_standing_body_is_told_of_appraised_communes_and_its_inbox_lists_them(client, province_people):
    from tests.recognition.conftest import build_council

    other_police = make_official(Role.PROVINCIAL_POLICE, province_people.province, username="ca_tinh_2")
    p = build_council(province_people)  # three communes appraised by p.provincial_police
    appraised = [d.pk for d in p.dossiers]
    # The provincial police who appraised are the standing body: another officer of it was told.
    told = set(
        Notification.objects.filter(
            recipient=other_police, dossier__in=appraised, event__to_state="appraised"
        ).values_list("dossier", flat=True)
    )
    assert told == set(appraised)
    client.force_login(other_police)
    page = client.get(reverse("home")).content.decode()
    awaiting = page.split('id="awaiting-title"')[1].split('id="all-title"')[0]
    for dossier in p.dossiers:
        assert dossier.commune.name in awaiting
