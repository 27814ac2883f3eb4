"""Every document's signature block is built from how its signer signs (the capacity, kept with the
decision) and from its kind (the collective's competence: "TM."); the history names the capacity."""

import datetime

import pytest

from assessments.models import DossierEvent
from recognition import services
from recognition.documents import render_html
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _decide(people, **signer):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    return services.decision_record(
        dossier=dossier,
        actor=people.chair,
        outcome="recognised",
        decided_on=datetime.date(2024, 11, 5),
        **signer,
    )


def _block(html: str) -> str:
    """The text of the decision's signature cell, from its first title to the signer's name."""
    start = html.index('<td class="signature">')
    return html[start : html.index("</td>", start)]


@pytest.mark.district_clock
@pytest.mark.parametrize(
    ("capacity", "title", "lines"),
    [
        ("head", "Chủ tịch UBND huyện", ["CHỦ TỊCH"]),
        ("deputy", "Phó Chủ tịch UBND huyện", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        ("acting", "Phó Chủ tịch UBND huyện", ["Q. CHỦ TỊCH"]),
        (
            "by_order",
            "Chánh Văn phòng HĐND và UBND huyện",
            ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG HĐND VÀ UBND HUYỆN"],
        ),
        ("by_authority", "Giám đốc Sở Tư pháp", ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ TƯ PHÁP"]),
    ],
)
def test_the_decision_and_its_dispatch_print_the_signers_capacity(
    people, django_capture_on_commit_callbacks, capacity, title, lines
):
    with django_capture_on_commit_callbacks(execute=False):
        decision = _decide(people, signer_title=title, signer_capacity=capacity)
    assert decision.signer_capacity == capacity
    ruling = _block(render_html(Document.objects.get(decision=decision, kind="recognition")))
    positions = [ruling.index(f'<div class="title">{line}</div>') for line in lines]
    assert positions == sorted(positions)
    # The chair's own decision: the head's competence, never "TM." (Decree 30, App. I II.7).
    assert "TM." not in ruling
    dispatch = _block(render_html(Document.objects.get(decision=decision, kind="notification")))
    assert dispatch.index("TM. ỦY BAN NHÂN DÂN") < dispatch.index(lines[0])
    mark = {"head": "", "deputy": "KT. ", "acting": "Q. ", "by_order": "TL. ", "by_authority": "TUQ. "}[
        capacity
    ]
    event = DossierEvent.objects.filter(dossier=decision.dossier, transition="recognise").get()
    assert event.actor_name == f"{people.chair.get_full_name()}, {mark}Chủ tịch"


@pytest.mark.district_clock
def test_without_a_capacity_the_title_gives_it(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        decision = _decide(people, signer_title="Phó Chủ tịch UBND huyện")
    assert decision.signer_capacity == "deputy"


def test_the_police_director_signs_a_report_as_his_post_gives(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        summary = services.summary_request(
            year=2024,
            province=people.province,
            actor=people.provincial_police,
            issued_on=datetime.date(2024, 12, 12),
            signer_title="Giám đốc",
            signer_capacity="acting",
        )
    block = _block(render_html(summary))
    assert '<div class="title">Q. GIÁM ĐỐC</div>' in block and "TM." not in block


@pytest.mark.district_clock
def test_the_decision_page_offers_the_posts_capacity(people, client):
    from communes.models import Post

    Post.objects.filter(user=people.chair).update(title="Quyền Chủ tịch UBND huyện", capacity="acting")
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    client.force_login(people.chair)
    page = client.get(f"/dossiers/{dossier.pk}/decision/").content.decode()
    assert '<option value="acting" selected>' in page
