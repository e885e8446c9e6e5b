"""A worker killed in the middle of a batch: nothing accepted is lost, nothing is stored twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from tests.conftest import mention_item
from triage.models import BatchStatus, Mention, MentionBatch

from .conftest import http_post
from .faults import Stack, wait_until
from .test_faults_redis import batches_received, stored_within, worker_ready

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def pool_children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@contextlib.contextmanager
def same_mention_being_written(external_id: str):
    """Another transaction is writing the mention with this key: the worker's insert of it waits
    (ON CONFLICT waits for the other writer), so its batch stays mid-task until this rolls back.
    Only that row waits: a periodic task the worker takes meanwhile does not (a table lock held
    here made one wait, and with one pool process the batch was never taken)."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    now = timezone.now()
    with holder.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            "INSERT INTO triage_mention (platform, external_id, text, url, lang, created_at, in_reply_to,"
            " reshares, replies, quotes, sentiment, author_handle, author_name, author_followers,"
            " author_verified, author_bio, author_kind, score, breakdown, band, topic, tier, ingested_at,"
            " sla_due_at, queue_key, status) VALUES ('x', %s, '', '', '', %s, '', 0, 0, 0, 0, 'holder', '',"
            " 0, false, '', 'person', 0, '[]', 4, 'other', 'first_line', %s, %s, %s, 'new')",
            [external_id, now, now, now, now],
        )
        try:
            yield
        finally:
            cursor.execute("ROLLBACK")
    holder.close()


def start_batch_then(stack: Stack, web: str, integration, external_id: str, kill) -> int:
    """Post a batch, let the worker start it (it waits to write its mention), then `kill`."""
    seen = batches_received(stack)
    with same_mention_being_written(external_id):
        status, body = http_post(web, "/api/v1/mentions/", [mention_item(external_id)], integration)
        assert status == 202
        try:
            wait_until(lambda: batches_received(stack) > seen, 60, "the worker to start the batch")
        except AssertionError as timeout:
            tails = {name: stack.log(name)[-3000:] for name in ("worker", "web")}
            raise AssertionError(f"{timeout}\n{tails['worker']}\n--- web ---\n{tails['web']}") from None
        time.sleep(0.5)
        kill()
    return body["batch"]


def test_worker_process_killed_mid_batch(integration, tmp_path, capsys):
    # A queue of its own: the session's worker must not take the batches this worker is to lose.
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-killed"
    stack = Stack(tmp_path, BATCH_REQUEUE_AFTER_S="10", CELERY_QUEUE=queue)
    try:
        web = stack.web("web")
        worker = stack.worker("worker")
        stack.beat("beat")
        worker_ready(stack, "worker")

        # 1. The pool process running the task is killed: the message is handed back at once.
        (child,) = pool_children(worker.pid)
        batch = start_batch_then(
            stack, web, integration, "child-killed", lambda: os.kill(child, signal.SIGKILL)
        )
        killed = time.monotonic()
        stored_within(batch, 30)
        child_recovery = time.monotonic() - killed
        assert "WorkerLostError" in stack.log("worker")

        # 2. The whole worker is killed (a machine lost): its message is held unacknowledged in
        # Redis, so the sweep queues the batch again once it is BATCH_REQUEUE_AFTER_S old.
        def kill_worker() -> None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()

        batch = start_batch_then(stack, web, integration, "worker-killed", kill_worker)
        killed = time.monotonic()
        stack.restart("worker")
        stored_within(batch, 40)
        worker_recovery = time.monotonic() - killed
    finally:
        stack.stop_all()
    assert Mention.objects.filter(external_id__in=["child-killed", "worker-killed"]).count() == 2
    assert MentionBatch.objects.exclude(status=BatchStatus.DONE).count() == 0
    with capsys.disabled():
        print(f"\nRESULT worker_child_killed_stored_s {child_recovery:.1f} s")
        print(f"RESULT worker_killed_stored_s {worker_recovery:.1f} s (requeue after 10 s)")
