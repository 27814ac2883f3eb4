"""The Celery app. Apps declare tasks with @shared_task; this module only wires them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")

# DjangoTask gives delay_on_commit(): enqueue only once the transaction has committed.
app = Celery("nghean_dfc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
