"""The inbox's rows are built in Python (assessments.tables): the same HTML as the template rows they
replaced, every text escaped, for both lists, with and without the parent unit's column."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from assessments import selectors, tables
from assessments.models import Dossier
from tests.factories import DossierFactory, hostile_names, put_in_state

pytestmark = pytest.mark.django_db

# The template rows of before, word for word.
AWAITING = Template(
    "{% load i18n dossiers %}{% for d in awaiting %}<tr>"
    "<td><a href=\"{% url 'assessments:dossier_detail' d.pk %}\">{{ d.commune.name }}</a>{% if d.commune.is_border %}"
    ' <span class="badge badge-info">{% translate "Border" %}</span>{% endif %}</td>'
    '{% if parent %}<td>{{ d.commune.parent_unit.name }}</td>{% endif %}<td class="num">{{ d.year }}</td>'
    '<td>{% state_badge d %}{% if d.return_reason %}<br><span class="reason">{% translate "Reason" %}: '
    '{{ d.return_reason|truncatechars:160 }}</span>{% endif %}</td><td class="num">{{ d.days_waiting }}</td>'
    "</tr>{% endfor %}"
)
LISTED = Template(
    "{% load i18n dossiers %}{% for d in page %}<tr>"
    "<td><a href=\"{% url 'assessments:dossier_detail' d.pk %}\">{{ d.commune.name }}</a>{% if d.commune.is_border %}"
    ' <span class="badge badge-info">{% translate "Border" %}</span>{% endif %}</td>'
    '{% if parent %}<td>{{ d.commune.parent_unit.name }}</td>{% endif %}<td class="num">{{ d.year }}</td>'
    "<td>{% state_badge d %}</td><td>{{ d.criteria_set.title }}</td></tr>"
    '{% empty %}<tr><td colspan="{% if parent %}5{% else %}4{% endif %}">{% translate "No dossier matches." %}'
    "</td></tr>{% endfor %}"
)


@pytest.fixture
def hostile(people):
    """Names and a reason with every character HTML gives a meaning to."""
    commune = hostile_names(people.my_ly)
    dossiers = [DossierFactory(commune=commune, year=year) for year in (2023, 2024)]
    put_in_state(dossiers[:1], "returned")
    dossiers[1].criteria_set.title_vi = "Bộ <tiêu chí> \"2024\" & 'khác'"
    dossiers[1].criteria_set.save()
    return dossiers


def strip(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("parent", [True, False])
def test_the_rows_are_the_template_rows_of_before(hostile, parent):
    dossiers = list(
        Dossier.objects.filter(pk__in=[d.pk for d in hostile])
        .select_related("commune__district", "commune__province", "criteria_set")
        .annotate(return_reason=selectors.return_reason_subquery())
        .order_by("year")
    )
    now = timezone.now() + datetime.timedelta(days=3)
    for d in dossiers:
        d.days_waiting = selectors.days_waiting(d, now)
        if d.state == "returned":
            d.return_reason = 'Thiếu <minh chứng> & "biên bản" ' + "x" * 200
    built = str(tables.awaiting_rows(dossiers, parent=parent))
    assert built == strip(AWAITING.render(Context({"awaiting": dossiers, "parent": parent})))
    assert "&lt;b&gt;&quot;Mỹ&quot;&lt;/b&gt; &amp; &#x27;Lý&#x27;" in built and "<b>" not in built
    assert "…" in built  # the reason truncated to 160 characters
    built = str(tables.listed_rows(dossiers, parent=parent))
    assert built == strip(LISTED.render(Context({"page": dossiers, "parent": parent})))
    assert str(tables.listed_rows([], parent=parent)) == strip(
        LISTED.render(Context({"page": [], "parent": parent}))
    )
