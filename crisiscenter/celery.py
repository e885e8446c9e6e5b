import os
import time

from celery import Celery
from celery.signals import task_postrun, task_prerun

from core import metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")

app = Celery("crisiscenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_db_connections(**kwargs) -> None:
    """Keep a worker's database connection across tasks, as a web request would (CONN_MAX_AGE,
    CONN_HEALTH_CHECKS). Celery's own Django fixup would otherwise reconnect for every task."""
    from django.db import close_old_connections  # noqa: PLC0415 - Django is set up only after this module loads

    close_old_connections()


@task_prerun.connect
def start_task_clock(task=None, **kwargs) -> None:
    task.request.started_monotonic = time.monotonic()


@task_postrun.connect
def record_task_duration(task=None, state=None, **kwargs) -> None:
    """crisiscenter_task_seconds{task, state}: in Redis, so every worker process adds to one figure."""
    started = getattr(task.request, "started_monotonic", None)
    if started is not None:
        metrics.observe("task", time.monotonic() - started, task=task.name, state=str(state))
