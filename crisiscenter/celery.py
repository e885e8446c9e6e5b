import os
import time

import redis
from celery import Celery
from celery.signals import task_postrun, task_prerun
from kombu.transport import redis as kombu_redis

from core import metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")

_connparams = kombu_redis.Channel._connparams


def _connparams_of_an_open_connection(self, asynchronous=False):
    """kombu 5.7's Redis channel, closed after Redis went away while it held unacknowledged
    (acks_late) messages, asks its released connection for a host to restore them to and raises
    AttributeError ('NoneType' object has no attribute 'hostname'): not a connection error, so the
    worker exits instead of reconnecting (tests/integration/test_faults_redis.py reproduces it).
    Raised as a connection error, the close is finished and the worker reconnects; the messages
    are restored by Redis's visibility timeout, and batches by triage.tasks.requeue_stale_batches."""
    if self.connection is None or self.connection.client is None:
        raise redis.exceptions.ConnectionError("the broker connection is already closed")
    return _connparams(self, asynchronous=asynchronous)


kombu_redis.Channel._connparams = _connparams_of_an_open_connection

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
