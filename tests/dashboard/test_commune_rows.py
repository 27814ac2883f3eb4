"""The commune list's rows are built in Python (dashboard.tables): the same HTML as the template rows
they replaced, every text escaped, with and without a dossier, a district and the border badge."""

import pytest
from django.template import Context, Template

from dashboard import selectors, tables
from dashboard.forms import STATE_LABELS
from dashboard.views import _state_label
from tests.factories import DossierFactory, hostile_names, put_in_state

pytestmark = pytest.mark.django_db

# The template rows of before, word for word.
ROWS = Template(
    "{% load i18n %}{% for c in page %}<tr><td>{{ c.code }}</td>"
    "<td>{% if c.dossier_id %}<a href=\"{% url 'assessments:dossier_detail' c.dossier_id %}\">{{ c.name }}</a>"
    "{% else %}{{ c.name }}{% endif %}{% if c.is_border %}"
    ' <span class="badge badge-info">{% translate "Border" %}</span>{% endif %}</td>'
    "<td>{{ c.district.name }}</td><td>{{ c.state_label }}</td></tr>{% endfor %}"
)


def test_the_rows_are_the_template_rows_of_before(people):
    commune = hostile_names(people.my_ly)
    put_in_state([DossierFactory(commune=commune, year=2024)], "returned")
    communes = list(selectors.commune_list(user=people.viewer, year=2024, paged=True)[:50])
    assert any(c.dossier_id for c in communes) and any(not c.dossier_id for c in communes)
    assert any(c.is_border for c in communes)

    def label(state):
        return _state_label(STATE_LABELS, state)

    built = str(tables.commune_table_rows(communes, state_label=label))
    for c in communes:
        c.state_label = label(c.dossier_state)
    assert built == ROWS.render(Context({"page": communes}))
    assert "&lt;b&gt;&quot;Mỹ&quot;&lt;/b&gt; &amp; &#x27;Lý&#x27;" in built and "<b>" not in built
    assert "Huyện &lt;Kỳ Sơn&gt; &amp; co" in built
    assert str(tables.commune_table_rows([], state_label=label)) == ""
