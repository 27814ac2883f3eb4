"""With a real Celery worker on Redis: decisions are rendered, failures can be retried, and a broker
outage at decision time loses nothing."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse

from nghean_dfc.celery import app as celery_app
from recognition import services
from recognition.models import Document
from tests import workflow
from tests.celery_worker import Worker, flush, wait_for
from tests.factories import DossierFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"


def reset_producer_pool():
    """Forget the broker connections, so the next publish uses conf.broker_url as it is now."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def running_worker(log_name: str, extra_env: dict):
    """A real worker on Redis for the test, the app publishing to it (not eager); both undone after."""
    redis_url = os.environ["REDIS_URL"]
    flush(redis_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    reset_producer_pool()
    ARTEFACTS.mkdir(exist_ok=True)
    proc = Worker(redis_url, ARTEFACTS / log_name, extra_env).start()
    yield proc
    proc.stop()
    celery_app.conf.task_always_eager = eager
    reset_producer_pool()


@pytest.fixture
def worker():
    yield from running_worker(
        "celery-worker.log", {"DOCUMENT_RENDER_MAX_RETRIES": "1", "DOCUMENT_RENDER_BACKOFF_SECONDS": "0.5"}
    )


def appraised(people, year=2024):
    dossier = DossierFactory(commune=people.my_ly, year=year)
    return workflow.appraise(workflow.submit(dossier, people.officer), people.police)


def statuses(decision):
    """The statuses of the decision's two documents (the decision, the dispatch); the police's papers
    were requested when the appraisal was completed."""
    return sorted(Document.objects.filter(decision=decision).values_list("status", flat=True))


@pytest.mark.district_clock
def test_the_worker_renders_the_decision_and_the_download_works(worker, people, client):
    decision = services.decision_record(
        decided_on=datetime.date(2024, 12, 2),
        dossier=appraised(people),
        actor=people.chair,
        outcome="recognised",
    )

    wait_for(lambda: statuses(decision) == ["ready", "ready"], timeout=90)
    document = Document.objects.get(decision=decision, kind="recognition")
    client.force_login(people.officer)
    response = client.get(reverse("recognition:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "succeeded" in worker.log_path.read_text()


@pytest.mark.district_clock
def test_a_render_failure_marks_the_document_failed_and_a_retry_makes_it_ready(
    worker, people, client, settings
):
    dossier = appraised(people)
    year_folder = Path(settings.MEDIA_ROOT) / "documents" / str(dossier.year)
    year_folder.parent.mkdir(parents=True, exist_ok=True)
    if year_folder.is_dir():
        for f in year_folder.iterdir():
            f.unlink()
        year_folder.rmdir()
    year_folder.write_text("a file where the folder should be: storage fails")  # a real OSError, even as root

    decision = services.decision_record(
        decided_on=datetime.date(2024, 12, 2), dossier=dossier, actor=people.chair, outcome="recognised"
    )
    wait_for(lambda: statuses(decision) == ["failed", "failed"], timeout=90)
    document = Document.objects.get(decision=decision, kind="recognition")
    assert "Error" in document.error

    year_folder.unlink()  # the storage is mended
    client.force_login(people.chair)
    assert client.post(reverse("recognition:document_retry", args=[document.pk])).status_code == 302
    wait_for(lambda: Document.objects.get(pk=document.pk).status == "ready", timeout=60)


@pytest.mark.district_clock
def test_a_broker_outage_at_decision_time_loses_nothing(worker, people):
    real_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there: the broker is down
    reset_producer_pool()
    try:
        decision = services.decision_record(
            decided_on=datetime.date(2024, 12, 2),
            dossier=appraised(people),
            actor=people.chair,
            outcome="recognised",
        )
    finally:
        celery_app.conf.broker_url = real_broker
        reset_producer_pool()

    assert decision.pk is not None  # the decision committed
    assert statuses(decision) == ["pending", "pending"]
    Document.objects.filter(decision=decision).update(
        requested_at=decision.created_at - datetime.timedelta(minutes=10)
    )
    assert services.documents_sweep() == 2  # the broker is back: the sweep sends them
    wait_for(lambda: statuses(decision) == ["ready", "ready"], timeout=90)


@pytest.mark.district_clock
def test_summaries_wait_on_their_own_queue_never_in_front_of_decisions(worker, people):
    import redis

    # The provincial police ask for a summary twice: the second is refused, no number is taken.
    summary = services.summary_request(year=2024, province=people.province, actor=people.provincial_police)
    with pytest.raises(services.DossierActionError, match="đang được chuẩn bị"):
        services.summary_request(year=2024, province=people.province, actor=people.provincial_police)
    assert Document.objects.filter(kind="provincial_summary").count() == 1

    # The decisions' worker (queues celery, pdf) renders a decision; the summary is not in its way.
    decision = services.decision_record(
        decided_on=datetime.date(2024, 12, 2),
        dossier=appraised(people),
        actor=people.chair,
        outcome="recognised",
    )
    wait_for(lambda: statuses(decision) == ["ready", "ready"], timeout=90)
    assert Document.objects.get(pk=summary.pk).status == "pending"
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).llen("pdf-bulk") == 1  # waiting for its worker
