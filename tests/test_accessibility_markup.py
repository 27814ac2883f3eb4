"""Markup that assistive technology relies on: unique ids, radio groups in a fieldset with a legend,
help text tied to its field (aria-describedby pointing at an element that exists)."""

import re
from collections import Counter

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ids(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.district_clock
def test_the_commune_inbox_has_unique_ids(client, people):
    from tests.factories import small_criteria_set

    small_criteria_set()  # the years 2022-2024 can be opened
    client.force_login(people.officer)
    page = client.get("/").content.decode()
    assert "open-" in page  # the form to open a dossier is there, beside the filter
    assert [i for i, n in ids(page).items() if n > 1] == []


def test_help_text_is_tied_to_its_field(client, people):
    client.force_login(people.officer)
    page = client.get(reverse("password_change")).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert "id_new_password1_helptext" in described
    for target in {t for d in described for t in d.split()}:
        assert f'id="{target}"' in page, target


@pytest.mark.district_clock
def test_radio_groups_are_fieldsets_with_a_legend(client, people, dossier):
    from tests import workflow

    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    page = client.get(reverse("recognition:decision", args=[dossier.pk])).content.decode()
    group = page.split('name="outcome"')[0].rsplit("<fieldset", 1)[1]
    assert "<legend>Quyết định" in group
