"""Every node may run beat: periodic tasks run twice at once still do their work once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import mention_item
from tests.triage.test_queue import load
from triage import ingest, tasks
from triage.models import Alert, AlertKind, BatchStatus, Mention, MentionBatch

pytestmark = pytest.mark.django_db(transaction=True)

BEATS = 6


def at_once(task, count: int = BEATS) -> list:
    """Run `task` in `count` threads released together, each on its own database connection."""
    barrier, results, errors = threading.Barrier(count), [], []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(task())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_beats_raise_one_spike_alert():
    load(*[mention_item(str(i), text="This is a disgrace, trains stuck, furious") for i in range(40)])
    results = at_once(tasks.detect_spike)
    assert Alert.objects.filter(kind=AlertKind.SPIKE).count() == 1
    assert sum("40 mentions in 5 minutes" in reason for reason in results) == 1


def test_two_beats_tell_each_sla_breach_once():
    load(*[mention_item(str(i)) for i in range(20)])
    Mention.objects.update(sla_due_at=timezone.now() - timedelta(minutes=1))
    counts = at_once(tasks.alert_sla_breaches)
    assert sum(counts) == 20
    assert Alert.objects.filter(kind=AlertKind.SLA_BREACH).count() == 1


def test_two_sweeps_queue_each_waiting_batch_once(monkeypatch):
    sent: list[int] = []
    lock = threading.Lock()

    def delay(batch_id: int) -> None:
        with lock:
            sent.append(batch_id)

    waiting = [
        MentionBatch.objects.create(received_at=timezone.now(), items=[mention_item(str(i))], item_count=1)
        for i in range(30)
    ]  # accepted while Redis was down: never queued (queued_at NULL)
    monkeypatch.setattr(ingest.process_batch_task, "delay", delay)
    at_once(tasks.requeue_stale_batches)
    assert sorted(sent) == sorted(b.pk for b in waiting)
    assert not MentionBatch.objects.filter(status=BatchStatus.PENDING, queued_at__isnull=True).exists()
