"""The Celery app. Apps declare tasks with @shared_task; this module only wires them."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")

# DjangoTask gives delay_on_commit(): enqueue only once the transaction has committed.
app = Celery("nghean_dfc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def preload_document_rendering(sender=None, **kwargs) -> None:
    """A worker that renders documents imports WeasyPrint and compiles the documents' templates once,
    before forking its processes (recognition.documents.render.preload)."""
    import django

    django.setup()
    from recognition.documents.render import preload

    consumer = getattr(sender, "app", app).amqp.queues
    preload(set(consumer.consume_from or consumer))
