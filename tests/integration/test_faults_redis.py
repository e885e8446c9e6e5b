"""Redis killed and started again under a real worker, beat and web server (docs/reliability.md)."""

from __future__ import annotations

import contextlib
import os
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from tests.conftest import mention_item
from triage.models import BatchStatus, MentionBatch

from .conftest import http_post
from .faults import PrivateRedis, Stack, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_stack(tmp_path):
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    stack = Stack(tmp_path, REDIS_URL=redis.url, CHANNEL_PREFIX=f"faults{os.getpid()}")
    yield redis, stack
    stack.stop_all()
    redis.kill()


def stored_within(batch_id: int, timeout: float) -> float:
    """Seconds until the batch is stored; fails after `timeout`."""
    started = time.monotonic()
    wait_until(
        lambda: MentionBatch.objects.filter(pk=batch_id, status=BatchStatus.DONE).exists(),
        timeout,
        f"batch {batch_id} to be stored",
        interval=0.1,
    )
    return time.monotonic() - started


def batches_received(stack: Stack) -> int:
    return sum(
        1 for line in stack.log("worker").splitlines() if "process_batch_task[" in line and "received" in line
    )


def worker_ready(stack: Stack, name: str, count: int = 1) -> None:
    wait_until(lambda: stack.log(name).count(" ready.") >= count, 60, f"{name} to be ready", interval=0.2)


@contextlib.contextmanager
def mentions_table_locked():
    """Writers to the mentions table wait: a batch being processed stays mid-task (unacknowledged)."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    with holder.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE triage_mention IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            cursor.execute("COMMIT")
    holder.close()


def test_worker_keeps_storing_batches_across_redis_restarts(redis_stack, integration, capsys):
    """Redis dies while the worker holds an unacknowledged batch (acks_late): kombu 5.7 then
    raised AttributeError while closing the channel and the worker exited (issue 13)."""
    redis, stack = redis_stack
    web = stack.web("web")
    worker = stack.worker("worker", concurrency=2)
    stack.beat("beat")
    worker_ready(stack, "worker")
    status, body = http_post(web, "/api/v1/mentions/", [mention_item("before")], integration)
    assert status == 202
    stored_within(body["batch"], 20)
    for round_ in range(3):
        seen = batches_received(stack)
        with mentions_table_locked():
            status, mid = http_post(web, "/api/v1/mentions/", [mention_item(f"mid-{round_}")], integration)
            assert status == 202
            wait_until(lambda seen=seen: batches_received(stack) > seen, 20, "the worker to start the batch")
            time.sleep(0.3)
            redis.kill()
            time.sleep(1)
            redis.start()
        restarted = time.monotonic()
        status, after = http_post(web, "/api/v1/mentions/", [mention_item(f"after-{round_}")], integration)
        assert status == 202
        stored_within(mid["batch"], 30)
        stored_within(after["batch"], 30 - (time.monotonic() - restarted))
        with capsys.disabled():
            print(f"\nRESULT redis_restart_{round_}_stored_s {time.monotonic() - restarted:.1f} s")
        assert worker.poll() is None, stack.log("worker")[-4000:]
    assert "Unrecoverable error" not in stack.log("worker")


def test_batches_accepted_while_redis_is_down_are_stored_soon_after_it_returns(
    redis_stack, integration, capsys
):
    redis, stack = redis_stack
    web = stack.web("web")
    stack.worker("worker")
    stack.beat("beat")
    worker_ready(stack, "worker")
    redis.kill()
    accepted = []
    for n in range(3):
        started = time.monotonic()
        status, body = http_post(web, "/api/v1/mentions/", [mention_item(f"down-{n}")], integration)
        assert status == 202, body
        accepted.append((body["batch"], time.monotonic() - started))
    assert max(seconds for _, seconds in accepted) < 5, accepted  # a 202 answers promptly
    batches = MentionBatch.objects.filter(pk__in=[pk for pk, _ in accepted])
    assert all(b.status == BatchStatus.PENDING and b.queued_at is None for b in batches)
    time.sleep(3)
    redis.start()
    back = time.monotonic()
    for batch_id, _ in accepted:
        stored_within(batch_id, 30 - (time.monotonic() - back))
    recovery = time.monotonic() - back
    with capsys.disabled():
        print(f"\nRESULT accepted_while_redis_down_stored_s {recovery:.1f} s")
        print(f"RESULT accept_with_redis_down_ms {1000 * max(s for _, s in accepted):.0f} ms")
    assert "the sweep will send them" in stack.log("web")
