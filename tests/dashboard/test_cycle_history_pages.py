"""The cycle dashboard's new units: one row per unit, the units it replaced folded under it, 25 units
a page (the demo's 130 units made a page 42,000 px tall on a phone)."""

import datetime

import pytest
from django.urls import reverse

from tests.workflow import open_cycle

pytestmark = pytest.mark.django_db


def test_each_unit_is_one_row_with_its_predecessors_folded_and_the_list_is_paged(province_people, client):
    from communes.models import Commune

    p = province_people
    open_cycle(p, 2026, assigned=[p.new_my_ly], today=datetime.date(2026, 3, 2))
    client.force_login(p.provincial_police)
    url = reverse("dashboard:cycle_year", args=[2026])
    page = client.get(url).content.decode()
    section = page.split('id="history-title"', 1)[1].split("</section>", 1)[0]
    rows = section.count('<th scope="row">')
    new_units = Commune.objects.filter(province=p.province, predecessors__isnull=False).distinct().count()
    assert rows == min(new_units, 25)
    assert section.count("<details>") == rows  # the replaced units are folded, not rows of their own
    assert "rowspan" not in section
    if new_units > 25:
        assert 'rel="next"' in section
        second = client.get(url, {"page": 2}).content.decode()
        assert second.split('id="history-title"', 1)[1].count('<th scope="row">') == min(new_units - 25, 25)
