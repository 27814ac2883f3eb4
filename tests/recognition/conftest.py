import datetime

import pytest

from assessments.models import Dossier
from tests import workflow
from tests.factories import DossierFactory


@pytest.fixture
def recognised(people, django_capture_on_commit_callbacks):
    """Mỹ Lý's 2022 dossier, appraised and recognised on 5 October 2022 by the Kỳ Sơn chair.
    Documents are created pending; the tests render them."""
    from recognition import services

    dossier = DossierFactory(commune=people.my_ly, year=2022)
    dossier = workflow.appraise(
        workflow.submit(dossier, people.officer), people.police, inspection_date=datetime.date(2022, 10, 1)
    )
    people.chair.full_name = "Vi Văn Hùng"
    people.chair.save(update_fields=["full_name"])
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier,
            actor=people.chair,
            outcome="recognised",
            decided_on=datetime.date(2022, 10, 5),
            signer_title="Chủ tịch UBND huyện",
        )
    assert Dossier.objects.get(pk=dossier.pk).state == "recognised"
    return decision
