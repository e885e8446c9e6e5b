import logging
import random

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.http import OutboundError
from core.logs import log_context
from social.connectors import get_connector
from social.connectors.reddit import RedditConnector

from . import ingest
from .inbound.csv_import import run_import
from .inbound.reddit_poll import poll
from .models import BatchStatus, MentionBatch

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
STALE_AFTER_SECONDS = 60


@shared_task(bind=True, acks_late=True, max_retries=5)
def process_batch_task(self, batch_id: int) -> dict | None:
    """Safe to run twice: a batch is processed only while it is still pending."""
    with log_context(batch=batch_id):
        return _process_batch(self, batch_id)


def _process_batch(task, batch_id: int) -> dict | None:
    logger.info("batch taken by the worker (try %s)", task.request.retries + 1)
    try:
        result = ingest.process_batch(batch_id)
    except TRANSIENT as exc:
        give_up = task.request.retries >= task.max_retries
        ingest.record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=give_up)
        if give_up:
            logger.error("batch %s failed for good after %s tries: %s", batch_id, task.request.retries, exc)
            raise
        raise task.retry(exc=exc, countdown=2**task.request.retries + random.random()) from exc
    except Exception as exc:
        logger.exception("batch %s cannot be processed", batch_id)
        ingest.record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=True)
        return None
    if result is None:
        return None
    logger.info("batch %s: %s stored, %s duplicates", batch_id, result.stored, result.duplicates)
    return {"stored": result.stored, "duplicates": result.duplicates}


@shared_task
def requeue_stale_batches() -> int:
    """Re-queue batches whose task was lost (a worker died, Redis was flushed)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    stale = list(
        MentionBatch.objects.filter(status=BatchStatus.PENDING, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    MentionBatch.objects.filter(pk__in=stale).update(queued_at=timezone.now())
    for batch_id in stale:
        process_batch_task.delay(batch_id)
    if stale:
        logger.warning("re-queued %s stale mention batches", len(stale))
    return len(stale)


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
