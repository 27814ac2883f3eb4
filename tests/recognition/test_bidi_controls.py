"""The probe's F7: bidirectional controls typed into a place, a reason or a conclusion never reach an
official document; one function (communes.text.nfc) removes them from every free text on the way in,
in the services the forms call and in the importers."""

import pytest
from django.urls import reverse

from communes.text import nfc
from council.models import AgendaItem, CouncilSession
from recognition.documents import render_html
from recognition.models import Document
from tests.council.test_secretary import split_votes, votes_form

pytestmark = pytest.mark.django_db
RLO, LRI, PDI, RLM = "\u202e", "\u2066", "\u2069", "\u200f"


def test_the_function_removes_every_bidi_control_and_keeps_the_words():
    typed = f"Hội trường {RLO}UBND{LRI} xã{PDI}{RLM} Mỹ Lý\u202a\u202b\u202c\u202d\u2067\u2068\u200e"
    assert nfc(typed) == "Hội trường UBND xã Mỹ Lý"


def test_a_reason_and_a_conclusion_with_bidi_controls_print_as_typed_without_them(
    client, council, django_capture_on_commit_callbacks
):
    p = council
    url = reverse("council:session", args=[p.session.pk])
    client.force_login(p.council_secretary)
    data = votes_form(p, split_votes(p))
    data.update(
        {
            f"reason_{p.item[p.bac_ly.pk].pk}": f"Còn điểm nguy cơ tại {RLO}UBND{PDI} xã",
            "ends_at": "10:30",
            "conclusion": f"Hội đồng {LRI}thống nhất{PDI}",
            "close": "1",
            "confirmed": "1",
        }
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, data).status_code == 302
    session = CouncilSession.objects.get(pk=p.session.pk)
    assert session.conclusion == "Hội đồng thống nhất"
    assert AgendaItem.objects.get(pk=p.item[p.bac_ly.pk].pk).reason == "Còn điểm nguy cơ tại UBND xã"
    minutes = render_html(Document.objects.get(minutes_of=session, kind="council_minutes"))
    assert not any(control in minutes for control in (RLO, LRI, PDI, RLM))
    assert "Còn điểm nguy cơ tại UBND xã" in minutes
