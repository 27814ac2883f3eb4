"""The dossier page's self-assessment rows are built in Python (assessments.tables): the same HTML as the
template rows they replaced, every text escaped, with and without an appraisal, answers, evidence and
findings."""

import pytest
from django.template import Context, Template

from assessments import selectors, tables
from assessments.models import Answer, Appraisal, Evidence, Finding
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

# The template rows of before, word for word.
ROWS = Template(
    "{% load i18n %}{% for row in rows %}<tr>"
    '<th scope="row"><strong>{{ row.criterion.code }}</strong> {{ row.criterion.text }}{% if row.answer.explanation %}'
    '<br><span class="muted">{{ row.answer.explanation }}</span>{% endif %}</th>'
    "<td>{{ row.criterion.target_display }}</td>"
    "<td>{% if row.answer %}{{ row.answer.value_display }}{% if row.criterion.is_computed %}"
    ' <span class="muted">({% translate "computed" %})</span>{% endif %}{% if row.answer.carried_over %}'
    ' <span class="badge">{% translate "carried over" %}</span>{% endif %}{% else %}—{% endif %}</td>'
    '<td>{% if row.is_met is None %}—{% elif row.is_met %}<span class="badge badge-ok">{% translate "Met" %}</span>'
    '{% else %}<span class="badge badge-bad">{% translate "Not met" %}</span>{% endif %}</td>'
    '<td><ul class="evidence-list">{% for e in row.evidence %}<li><a href="{% url \'assessments:evidence_download\' '
    'dossier.pk e.pk %}">{{ e.original_name }}</a> <span class="muted">({{ e.size|filesizeformat }})</span></li>'
    '{% empty %}<li>{% if row.criterion.evidence_required %}<span class="muted">{% translate "required, none yet" %}'
    "</span>{% else %}—{% endif %}</li>{% endfor %}</ul></td>"
    "{% if appraisal %}<td>{% if row.finding %}{{ row.finding.get_result_display }}{% if row.finding.note %}"
    '<br><span class="muted">{{ row.finding.note }}</span>{% endif %}{% else %}—{% endif %}</td>{% endif %}'
    "</tr>{% endfor %}"
)
HOSTILE = "<b>\"x\"</b> & 'y'"


@pytest.mark.parametrize("appraised", [False, True])
def test_the_rows_are_the_template_rows_of_before(people, appraised):
    dossier = DossierFactory(commune=people.my_ly, year=2024)
    criteria = list(dossier.applicable_criteria())
    first, second, third = criteria[0], criteria[1], criteria[2]
    for criterion, value in ((first, True), (second, False)):
        Answer.objects.create(
            dossier=dossier,
            criterion=criterion,
            value_bool=value if criterion.measure == "boolean" else None,
            value_number=None if criterion.measure == "boolean" else 3,
            explanation=HOSTILE,
            carried_over=criterion is second,
        )
    Evidence.objects.create(
        dossier=dossier,
        criterion=first,
        file="evidence/x.pdf",
        original_name=f"Biên bản {HOSTILE}.pdf",
        size=15360,
        uploaded_by=people.officer,
    )
    third.evidence_required = False
    third.save()
    if appraised:
        appraisal = Appraisal.objects.create(dossier=dossier, recommendation="recognise")
        Finding.objects.create(appraisal=appraisal, criterion=first, result="met", note=HOSTILE)
    dossier = selectors.dossier_for_page(pk=dossier.pk)
    rows = selectors.criterion_rows(dossier=dossier)
    built = str(tables.criterion_rows_html(rows, dossier_pk=dossier.pk, with_finding=appraised))
    expected = ROWS.render(
        Context({"rows": rows, "dossier": dossier, "appraisal": selectors.appraisal_of(dossier)})
    )
    assert built == expected
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#x27;y&#x27;" in built and "<b>" not in built
