import datetime

import pytest

from assessments.models import Dossier
from communes.models import Role
from council import services as council_services
from council.models import CouncilMember
from recognition import services
from tests import workflow
from tests.factories import DossierFactory

SESSION_DAY = datetime.date(2026, 11, 20)
VOTERS = ("pct_tinh", "pc04", "soyte", "bienphong")


@pytest.fixture
def recognised(people, django_capture_on_commit_callbacks):
    """Mỹ Lý's 2022 dossier, appraised and recognised on 5 October 2022 by the Kỳ Sơn chair.
    Documents are created pending; the tests render them."""
    with django_capture_on_commit_callbacks(execute=False):
        return build_recognised(people)


def build_recognised(people):
    """The decision of `recognised` (also for a module's world)."""
    from django.test import TestCase

    dossier = DossierFactory(commune=people.my_ly, year=2022)
    dossier = workflow.appraise(
        workflow.submit(dossier, people.officer), people.police, inspection_date=datetime.date(2022, 10, 1)
    )
    people.chair.full_name = "Vi Văn Hùng"
    people.chair.save(update_fields=["full_name"])
    with TestCase.captureOnCommitCallbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier,
            actor=people.chair,
            outcome="recognised",
            decided_on=datetime.date(2022, 10, 5),
            signer_title="Chủ tịch UBND huyện",
        )
    assert Dossier.objects.get(pk=dossier.pk).state == "recognised"
    return decision


@pytest.fixture
def council(province_people):
    """The 2026 council: four voting members (chair, vice-chair, two members) and a secretary who does
    not vote; three appraised communes."""
    return build_council(province_people)


def build_council(p):
    """The council of `council` on the people `p` (also for a module's world)."""
    from tests.world import make_official as official

    p.member_health = official(Role.COUNCIL_MEMBER, p.province, username="soyte", full_name="Lê Thị Y Tế")
    p.member_border = official(Role.COUNCIL_MEMBER, p.province, username="bienphong", full_name="Hồ Văn Biên")
    p.provincial_vice_chair.full_name = "Đặng Văn Phó"
    p.provincial_vice_chair.save(update_fields=["full_name"])
    p.council_secretary.full_name = "Hồ Thị Thư"
    p.council_secretary.save(update_fields=["full_name"])
    p.dossiers = workflow.province_appraised(
        p,
        [
            (p.new_my_ly, p.commune_police, p.commune_chair),
            (p.bac_ly, p.bac_ly_police, p.bac_ly_chair),
            (p.tam_quang, p.tam_quang_police, p.tam_quang_chair),
        ],
    )
    seats = [
        {"user": p.provincial_vice_chair, "seat": "chair", "position": "Phó Chủ tịch UBND tỉnh"},
        {"user": p.provincial_police, "seat": "vice_chair", "position": "Giám đốc Công an tỉnh"},
        {"user": p.member_health, "seat": "member", "position": "Giám đốc Sở Y tế"},
        {"user": p.member_border, "seat": "member", "position": "Chỉ huy trưởng Bộ đội Biên phòng tỉnh"},
        {"user": p.council_secretary, "seat": "secretary", "position": "Trưởng phòng PC04, Công an tỉnh"},
    ]
    p.council = council_services.council_set_up(
        province=p.province, year=2026, seats=seats, actor=p.provincial_police
    )
    p.session = council_services.session_schedule(
        council=p.council,
        held_on=SESSION_DAY,
        starts_at=datetime.time(8, 0),
        place="Phòng họp số 1, Ủy ban nhân dân tỉnh",
        dossiers=p.dossiers,
        actor=p.provincial_police,
    )
    p.seat = {
        m.user.username: m for m in CouncilMember.objects.filter(council=p.council).select_related("user")
    }
    p.item = {i.dossier.commune_id: i for i in p.session.items.select_related("dossier")}
    return p


def keep_sample(document, name: str, page: int = 1) -> None:
    """Page `page` of a rendered document as a PNG under test-artefacts/samples/ (for docs/samples)."""
    import subprocess
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "test-artefacts" / "samples"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            document.file.path,
            str(out / name),
        ],
        check=True,
    )


@pytest.fixture
def recommended(council):
    """The council recommends Mỹ Lý and Tam Quang, not Bắc Lý (a tie)."""
    return build_recommended(council)


def build_recommended(p):
    """The votes and the closing of `recommended` on the council `p` (also for a module's world)."""
    from django.test import TestCase

    present = {p.seat[u].pk for u in VOTERS}
    choices = {
        p.new_my_ly.pk: dict.fromkeys(VOTERS, "for"),
        p.bac_ly.pk: {"pct_tinh": "for", "pc04": "for", "soyte": "against", "bienphong": "against"},
        p.tam_quang.pk: dict.fromkeys(VOTERS, "for"),
    }
    votes = {
        (p.item[commune].pk, p.seat[u].pk): choice
        for commune, plan in choices.items()
        for u, choice in plan.items()
    }
    council_services.session_record(
        session=p.session, actor=p.council_secretary, present=present, votes=votes
    )
    with TestCase.captureOnCommitCallbacks(execute=False):
        council_services.session_close(
            session=p.session, actor=p.council_secretary, ends_at=datetime.time(10, 0)
        )
    p.dossier = {d.commune_id: Dossier.objects.get(pk=d.pk) for d in p.dossiers}
    return p
