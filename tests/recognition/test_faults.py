"""Faults with a real worker on Redis: a worker process killed in the middle of rendering."""

import datetime
import os
import signal
import subprocess
from pathlib import Path

import pytest

from recognition import services
from recognition.models import Document
from tests.celery_worker import wait_for
from tests.recognition.test_worker import appraised, worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pool_children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


@pytest.mark.district_clock
def test_a_worker_killed_while_rendering_still_produces_the_document_once(worker, people, monkeypatch):  # noqa: F811
    held = []
    monkeypatch.setattr(
        services.documents, "documents_enqueue", lambda document_ids: held.extend(document_ids)
    )
    decision = services.decision_record(
        decided_on=datetime.date(2024, 12, 2),
        dossier=appraised(people),
        actor=people.chair,
        outcome="recognised",
    )
    document = Document.objects.get(decision=decision, kind="recognition")
    log_size = worker.log_path.stat().st_size
    from recognition.tasks import render_document

    render_document.apply_async(args=[document.pk])
    # Kill the pool process as soon as it has taken the task: it is importing WeasyPrint or rendering.
    wait_for(
        lambda: (
            b"render_document" in worker.log_path.read_bytes()[log_size:]
            and Document.objects.get(pk=document.pk).attempts >= 1
        ),
        timeout=30,
        interval=0.02,
    )
    for child in pool_children(worker.process.pid):
        os.kill(child, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the task goes back to the queue and a new pool process renders it.
    wait_for(lambda: Document.objects.get(pk=document.pk).status == "ready", timeout=90)
    document.refresh_from_db()
    assert document.attempts >= 2  # the first attempt was really interrupted
    files = list(Path(document.file.path).parent.glob(f"recognition-{document.pk}*.pdf"))
    assert len(files) == 1  # one file, not one per attempt
    log = worker.log_path.read_bytes()[log_size:].decode(errors="replace")  # log_size counts bytes
    assert "signal 9" in log  # Celery reports the lost worker process
