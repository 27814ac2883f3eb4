"""A form opened before someone else acted says what changed since, keeps what this official typed,
and lets them confirm again on the current version; no message says to reload."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments import services as dossier_services
from assessments.models import Dossier
from recognition import services
from recognition.models import CollectiveDecision
from tests.factories import put_in_state
from tests.workflow import open_cycle

pytestmark = pytest.mark.django_db
DECIDED = datetime.date(2026, 11, 24)


def opened_on(page: str) -> str:
    return re.search(r'name="opened_on" value="([^"]*)"', page)[1]


def test_a_second_chair_on_a_stale_decision_form_is_told_what_changed(
    recommended, client, django_capture_on_commit_callbacks
):
    p = recommended
    url = reverse("recognition:collective_decision", args=[2026])
    my_ly, tam_quang = p.dossier[p.new_my_ly.pk], p.dossier[p.tam_quang.pk]
    client.force_login(p.provincial_vice_chair)
    stale = opened_on(client.get(url).content.decode())
    # Meanwhile the chairman decides Mỹ Lý (Tam Quang left for later, with a reason).
    with django_capture_on_commit_callbacks(execute=False):
        services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_chair,
            listed=[my_ly.pk],
            left_out={tam_quang.pk: "Chờ xác minh"},
            decided_on=DECIDED,
        )
    put_in_state([tam_quang], "recommended")  # back on the list
    typed = {
        "opened_on": stale,
        f"include_{my_ly.pk}": "on",
        f"include_{tam_quang.pk}": "on",
        "decided_on": "2026-11-25",
        "signer_title": "Phó Chủ tịch",
    }
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Kiểm tra trước khi xác nhận" not in page and "tải lại" not in page
    assert "Danh sách xã được đề nghị đã thay đổi kể từ khi bạn mở trang" in page
    assert "Không còn trong danh sách: <del>Xã Mỹ Lý</del>" in page
    assert 'value="Phó Chủ tịch"' in page and 'value="2026-11-25"' in page  # what was typed stays
    assert CollectiveDecision.objects.count() == 1
    # Confirming again, on the current list, goes through to the confirmation page.
    current = opened_on(page)
    again = client.post(url, {**typed, "opened_on": current}, follow=True)
    assert "Kiểm tra trước khi xác nhận" in again.content.decode()
    assert "Xã Tam Quang" in again.content.decode()


def test_a_commune_recommended_after_the_page_was_opened_is_named_and_listed(recommended, client):
    p = recommended
    url = reverse("recognition:collective_decision", args=[2026])
    client.force_login(p.provincial_chair)
    bac_ly = p.dossier[p.bac_ly.pk]
    put_in_state([bac_ly], "not_recommended")
    stale = opened_on(client.get(url).content.decode())
    put_in_state([bac_ly], "recommended")
    page = client.post(url, {"opened_on": stale, "decided_on": "2026-11-25"}).content.decode()
    assert "Mới thêm: <ins>Xã Bắc Lý</ins>" in page
    assert f'name="include_{bac_ly.pk}" id="id_include_{bac_ly.pk}" checked' in page


def test_the_409_keeps_what_was_typed_and_shows_the_other_persons_values(province_people, client):
    p = province_people
    cycle = open_cycle(p, 2026, assigned=[p.new_my_ly], today=datetime.date(2026, 3, 2))
    dossier = cycle.dossiers.get()
    url = reverse("assessments:self_assessment", args=[dossier.pk])
    client.force_login(p.commune_police)
    version = Dossier.objects.get(pk=dossier.pk).version
    # Another tab (or a colleague) saves first.
    dossier_services.self_assessment_save(
        dossier=dossier, actor=p.commune_police, answers={}, counts={"population": 5000}
    )
    response = client.post(url, {"version": version, "counts-population": "5200", "save": "1"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "tải lại" not in page
    assert 'name="counts-population" value="5200"' in page  # what was typed stays in the form
    assert "<del>5000</del>" in page and "<ins>5200</ins>" in page  # beside the other person's value
    fresh = Dossier.objects.get(pk=dossier.pk).version
    assert f'name="version" value="{fresh}"' in page
    # Saving again, on the current version, keeps what this official typed.
    assert client.post(url, {"version": fresh, "counts-population": "5200", "save": "1"}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).counts.population == 5200
