"""A worker that renders documents imports WeasyPrint and compiles the documents' templates before it
forks its processes; a worker of other queues (e-mails, beat jobs) does not."""

from types import SimpleNamespace

import pytest

from nghean_dfc.celery import preload_document_rendering
from recognition.documents import kinds, render


def worker(*queues: str):
    """What the worker_init signal sends: the worker, whose app consumes `queues`."""
    return SimpleNamespace(
        app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=dict.fromkeys(queues))))
    )


def test_only_a_worker_of_a_documents_queue_preloads(monkeypatch):
    compiled = []
    monkeypatch.setattr("django.template.loader.get_template", lambda name: compiled.append(name))
    assert render.preload({"celery"}) is False and compiled == []
    queues = {kind.queue for kind in kinds.KINDS.values()}
    assert {"pdf", "pdf-bulk"} <= queues  # the decisions' queue and the yearly reports'
    for queue in queues:
        compiled.clear()
        assert render.preload({"celery", queue}) is True
        assert set(compiled) == {kind.template for kind in kinds.KINDS.values()} | {
            "recognition/pdf/document.css"
        }


@pytest.mark.parametrize("queues", [("celery",), ("celery", "pdf")])
def test_the_worker_signal_reads_the_queues_it_consumes(monkeypatch, queues):
    seen = []
    monkeypatch.setattr(render, "preload", lambda consumed: seen.append(consumed) or bool(consumed & {"pdf"}))
    preload_document_rendering(sender=worker(*queues))
    assert seen == [set(queues)]
