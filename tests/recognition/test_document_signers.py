"""Every document names who signs it: the competent person whose digital signature an electronic body's
document awaits first (recognition.services.signatures.signer_of). A document without one would wait
for a signature nobody may bring."""

import datetime

import pytest

from recognition import services
from recognition.models import Document
from recognition.services.signatures import signer_of
from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_the_councils_papers_and_the_standing_bodys_proposal_name_their_signer(recommended):
    p = recommended
    session = type(p.session).objects.get(pk=p.session.pk)
    assert signer_of(session.minutes) == p.provincial_vice_chair  # the council's chair
    assert signer_of(session.notice) == p.provincial_vice_chair
    assert signer_of(session.proposal) == p.provincial_police  # the council's vice-chair, the director


@pytest.mark.district_clock
def test_a_decision_its_dispatch_and_the_police_papers_name_their_signer(
    people, django_capture_on_commit_callbacks
):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
        )
    signers = {d.kind: signer_of(d) for d in Document.objects.filter(dossier=dossier)}
    assert signers == {
        "appraisal_minutes": people.police,
        "proposal": people.police,
        "recognition": people.chair,
        "notification": people.chair,
    }
    assert all(d.issuer_code for d in Document.objects.filter(dossier=dossier))
    assert decision.number is not None
