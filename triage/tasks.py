import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from core import locks
from core.http import OutboundError
from social.connectors import get_connector
from social.connectors.reddit import RedditConnector

from . import ingest
from .inbound.csv_import import run_import
from .inbound.reddit_poll import poll
from .models import BatchStatus, MentionBatch

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
# What a publish raises with Redis unreachable (kombu wraps most, not all, of the client's errors).
BROKER_ERRORS = (BrokerOperationalError, RedisError, OSError)


# acks_late with reject_on_worker_lost: a worker killed mid-batch hands the message back, and the
# batch (still pending, its transaction rolled back) is processed once by the next worker.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def process_batch_task(self, batch_id: int) -> dict | None:
    """Safe to run twice: a batch is processed only while it is still pending."""
    try:
        result = ingest.process_batch(batch_id)
    except TRANSIENT as exc:
        give_up = self.request.retries >= self.max_retries
        ingest.record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=give_up)
        if give_up:
            logger.error("batch %s failed for good after %s tries: %s", batch_id, self.request.retries, exc)
            raise
        raise self.retry(exc=exc, countdown=2**self.request.retries + random.random()) from exc
    except Exception as exc:
        logger.exception("batch %s cannot be processed", batch_id)
        ingest.record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=True)
        return None
    if result is None:
        return None
    logger.info("batch %s: %s stored, %s duplicates", batch_id, result.stored, result.duplicates)
    return {"stored": result.stored, "duplicates": result.duplicates}


def enqueue_batches(batch_ids: list[int]) -> int:
    """Queue the processing of accepted batches; returns how many were sent.

    With Redis down the publish fails after the short retry of CELERY_TASK_PUBLISH_RETRY_POLICY:
    the batches stay stored, marked as not queued (queued_at NULL), and the next sweep sends
    them, a few seconds after Redis is back. The caller (a 202 already decided) never fails.
    """
    sent = 0
    for index, batch_id in enumerate(batch_ids):
        try:
            process_batch_task.delay(batch_id)
        except BROKER_ERRORS as exc:
            unsent = batch_ids[index:]
            MentionBatch.objects.filter(pk__in=unsent, status=BatchStatus.PENDING).update(queued_at=None)
            logger.warning(
                "could not queue %s accepted batch(es) %s (%s: %s); the sweep will send them",
                len(unsent),
                unsent[:20],
                type(exc).__name__,
                exc,
            )
            break
        sent += 1
    return sent


@shared_task(ignore_result=True)
def requeue_stale_batches() -> int:
    """Queue accepted batches that are not queued: never sent (Redis was down when they were
    accepted) or sent over a minute ago and still pending (a worker died, Redis lost the message).

    Beat runs it every few seconds on every node: the row locks (SKIP LOCKED) and the conditional
    update make each batch go to one sweep only.
    """
    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.BATCH_REQUEUE_AFTER_S)
    with transaction.atomic():
        due = list(
            MentionBatch.objects.filter(status=BatchStatus.PENDING)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff))
            .order_by("received_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:500]
        )
        MentionBatch.objects.filter(pk__in=due).update(queued_at=now)
    if due:
        sent = enqueue_batches(due)
        logger.warning("queued %s of %s accepted batches that were waiting", sent, len(due))
    return len(due)


@shared_task(bind=True, max_retries=4)
def send_reply_task(self, reply_id: int) -> None:
    from .delivery import send_reply

    send_reply(reply_id, attempt=self.request.retries, retry=self.retry)


@shared_task
def send_replies_task(reply_ids: list[int]) -> None:
    """A broadcast: one task for the batch; each reply is sent (or marked failed) on its own."""
    from .delivery import send_reply

    for reply_id in reply_ids:
        send_reply(reply_id)


@shared_task
def alert_sla_breaches() -> int:
    from .alerts import alert_new_breaches

    alert = alert_new_breaches()
    return alert.details["count"] if alert else 0


@shared_task
def release_idle_claims() -> int:
    from .models import QueueSettings
    from .services import release_idle_claims as release

    released = release(idle_minutes=QueueSettings.load().claim_idle_minutes)
    if released:
        logger.info("released %s idle claims", len(released))
    return len(released)


@shared_task
def detect_spike() -> str:
    from .alerts import check_for_spike

    return check_for_spike().reason


@shared_task
def alert_missed_hub_update() -> int | None:
    from .alerts import alert_missed_hub_update as check

    alert = check()
    return alert.pk if alert else None


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def poll_reddit() -> int:
    """Beat runs this every minute; without Reddit credentials it does nothing."""
    connector = get_connector("reddit")
    if not isinstance(connector, RedditConnector):
        return 0
    with locks.only_one("triage.poll-reddit") as mine:
        if not mine:
            logger.info("reddit poll skipped: another node is polling")
            return 0
        try:
            result = poll(connector)
        except OutboundError as exc:  # recorded on the health page; the next run tries again
            logger.warning("reddit poll failed: %s", exc)
            return 0
    logger.info("reddit poll: %s found, %s new or updated", result.found, result.accepted)
    return result.accepted


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1900)
def import_mentions(import_id: int) -> None:
    result = run_import(import_id)
    if result is not None:
        logger.info(
            "import %s: %s rows, %s accepted, %s rejected",
            import_id,
            result.rows_read,
            result.accepted,
            result.rejected,
        )
