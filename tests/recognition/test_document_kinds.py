"""One entry per kind of document (recognition.documents.kinds): every kind has its template, context
builder, download name, queue, register series, signature block and identity, and every caller reads
the entry. A kind missing a part is named with the part, by this test and at start-up (recognition.E001)."""

import pytest
from django.core import checks

from recognition.documents import kinds
from recognition.models import Document


def test_every_kind_of_document_has_its_whole_entry():
    assert kinds.missing_parts(Document.Kind.values) == {}


@pytest.mark.parametrize("kind", Document.Kind.values)
@pytest.mark.parametrize("part", kinds.PARTS)
def test_a_kind_with_a_part_removed_is_named_with_the_part(monkeypatch, kind, part):
    """The self-test of the test above: a part removed at run time is found and named."""
    monkeypatch.setitem(kinds.KINDS, kind, kinds.replaced(kind, **{part: None}))
    assert kinds.missing_parts(Document.Kind.values) == {kind: [part]}
    errors = [e for e in checks.run_checks() if e.id == "recognition.E001"]
    assert [e.msg for e in errors] == [f"The document kind {kind!r} lacks: {part}."]


def test_a_kind_without_an_entry_is_refused_at_start_up(monkeypatch):
    monkeypatch.delitem(kinds.KINDS, Document.Kind.COUNCIL_NOTICE)
    assert kinds.missing_parts(Document.Kind.values) == {"council_notice": ["entry"]}
    (error,) = [e for e in checks.run_checks() if e.id == "recognition.E001"]
    assert "council_notice" in error.msg and "entry" in error.msg


def test_each_kind_s_series_has_a_symbol_for_the_bodies_that_issue_it():
    """The symbols are data on the issuing bodies (communes/data/issuing_body_defaults.json), by series."""
    from communes.registers import body_defaults

    issuers = {
        "decision": ["ubnd"],
        "dispatch": ["ubnd", "police:district", "police:province"],
        "minutes": ["police:district", "police:province"],
        "proposal": ["police:district", "police:province"],
        "council_minutes": ["police:province"],
        "council_notice": ["police:province"],
        "report": ["police:province"],
    }
    for kind in Document.Kind.values:
        series = kinds.entry(kind).series
        for key in issuers[series]:
            assert body_defaults(key)["symbols"][series], (kind, key)


def test_the_yearly_reports_render_on_their_own_queue_and_the_rest_on_the_documents_queue():
    queues = {kind: kinds.entry(kind).queue for kind in Document.Kind.values}
    assert queues.pop("provincial_summary") == "pdf-bulk"
    assert set(queues.values()) == {"pdf"}


@pytest.mark.django_db
def test_rendering_uses_the_kind_s_template_and_context(monkeypatch, tmp_path, settings):
    """A caller reads the entry: a kind given another template and context renders with them."""
    from recognition.documents import render_html

    (tmp_path / "kind.html").write_text("<p>{{ said }} — {{ pdf_author }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    monkeypatch.setitem(
        kinds.KINDS,
        "ministry_report",
        kinds.replaced(
            "ministry_report",
            template="kind.html",
            context=lambda document: {"said": "Báo cáo thử"},
            identity=lambda document: kinds.Identity("01/BC", None, "Công an tỉnh Thử", "năm 2026"),
        ),
    )
    document = Document(kind="ministry_report", year=2026)
    assert render_html(document) == "<p>Báo cáo thử — Công an tỉnh Thử</p>"
