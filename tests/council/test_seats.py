"""The council's seats as the provincial police keep them (Decision 28/2025): corrected after the
secretary saved a draft of the votes without losing them, a member with votes in an open session kept
until the votes are recorded without them, and a council of any size set up in one save, a seat added
without JavaScript and without losing what was typed."""

import pytest
from django.urls import reverse

from communes.models import Role
from council import services as council_services
from council.models import CouncilMember, Vote
from tests.recognition.conftest import VOTERS
from tests.world import make_official

pytestmark = pytest.mark.django_db


def seats_of(p) -> list[dict]:
    return [
        {"user": m.user, "seat": m.seat, "position": m.position, "secretary_is_member": m.secretary_is_member}
        for m in CouncilMember.objects.filter(council=p.council).select_related("user").order_by("pk")
    ]


def seats_post(seats: list[dict], **extra) -> dict:
    data = {"action": "seats", "row_count": str(len(seats)), **extra}
    for i, s in enumerate(seats):
        data[f"seat_{i}_user"] = str(s["user"].pk)
        data[f"seat_{i}_seat"] = s["seat"]
        data[f"seat_{i}_position"] = s["position"]
        if s.get("secretary_is_member"):
            data[f"seat_{i}_member"] = "on"
    return data


@pytest.fixture
def draft_votes(council):
    """The secretary saved attendance and every present member's vote as a draft (session still open)."""
    p = council
    present = {p.seat[u].pk for u in VOTERS}
    votes = {(item.pk, p.seat[u].pk): "for" for item in p.item.values() for u in VOTERS}
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes
    )
    return p


def test_seats_are_corrected_after_a_draft_of_votes_and_the_votes_are_kept(client, draft_votes):
    p = draft_votes
    before = set(Vote.objects.filter(item__session=p.session).values_list("pk", "member_id", "choice"))
    members_before = set(CouncilMember.objects.filter(council=p.council).values_list("pk", flat=True))
    newcomer = make_official(Role.COUNCIL_MEMBER, p.province, username="tuphap", full_name="Phan Văn Tư")
    seats = seats_of(p)
    seats[2]["position"] = "Giám đốc Sở Y tế tỉnh Nghệ An"  # a post corrected
    seats.append({"user": newcomer, "seat": "member", "position": "Giám đốc Sở Tư pháp"})
    client.force_login(p.provincial_police)
    response = client.post(reverse("council:year", args=[2026]), seats_post(seats))
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]  # before: 500
    assert (
        set(Vote.objects.filter(item__session=p.session).values_list("pk", "member_id", "choice")) == before
    )
    after = CouncilMember.objects.filter(council=p.council)
    assert members_before < set(after.values_list("pk", flat=True))  # the same rows, and one new
    assert after.get(user=p.member_health).position == "Giám đốc Sở Y tế tỉnh Nghệ An"
    assert after.get(user=newcomer).seat == "member"


def test_a_member_with_votes_in_an_open_session_is_not_removed_and_the_form_keeps_what_was_typed(
    client, draft_votes
):
    p = draft_votes
    seats = [s for s in seats_of(p) if s["user"] != p.member_health]
    seats[0]["position"] = "Phó Chủ tịch Thường trực UBND tỉnh"
    client.force_login(p.provincial_police)
    response = client.post(reverse("council:year", args=[2026]), seats_post(seats))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Lê Thị Y Tế" in page and "20/11/2026" in page  # who, and in which session
    assert 'value="Phó Chủ tịch Thường trực UBND tỉnh"' in page  # what was typed is kept
    assert CouncilMember.objects.filter(council=p.council, user=p.member_health).exists()
    # A member who only attended (no vote recorded) may leave.
    council_services.session_record(
        session=p.session,
        actor=p.council_secretary,
        present={p.seat[u].pk for u in VOTERS},
        votes={(i.pk, p.seat[u].pk): "for" for i in p.item.values() for u in VOTERS if u != "soyte"},
    )
    council_services.council_set_up(province=p.province, year=2026, seats=seats, actor=p.provincial_police)
    assert not CouncilMember.objects.filter(council=p.council, user=p.member_health).exists()


def test_a_council_of_more_than_nine_seats_is_saved_in_one_post(client, council):
    p = council
    seats = seats_of(p)
    for n in range(7):  # twelve seats in all
        official = make_official(
            Role.COUNCIL_MEMBER, p.province, username=f"tv{n}", full_name=f"Thành Viên {n}"
        )
        seats.append({"user": official, "seat": "member", "position": f"Giám đốc Sở số {n}"})
    client.force_login(p.provincial_police)
    response = client.post(reverse("council:year", args=[2026]), seats_post(seats))
    assert response.status_code == 302
    assert CouncilMember.objects.filter(council=p.council).count() == 12


def test_a_seat_is_added_without_javascript_keeping_what_was_typed(client, council):
    p = council
    url = reverse("council:year", args=[2026])
    client.force_login(p.provincial_police)
    page = client.get(url).content.decode()
    rows = page.count('name="seat_') // 4
    seats = seats_of(p)
    seats[1]["position"] = "Giám đốc Công an tỉnh (đang sửa)"
    data = seats_post(seats, add_seat="1")
    data["row_count"] = str(rows)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="seat_') // 4 == rows + 1
    assert 'value="Giám đốc Công an tỉnh (đang sửa)"' in page
    assert CouncilMember.objects.get(council=p.council, user=p.provincial_police).position == (
        "Giám đốc Công an tỉnh"
    )  # nothing saved
