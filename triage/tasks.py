import logging

from celery import shared_task
from django.utils import timezone

from core.http import OutboundError
from social.connectors import get_connector
from social.connectors.reddit import RedditConnector

from .alerts import alert_missed_hub_update as check
from .alerts import alert_new_breaches, check_for_spike
from .inbound.csv_import import run_import
from .inbound.reddit_poll import poll
from .ingest import process_batch_task
from .models import BatchStatus, MentionBatch, QueueSettings
from .services import release_idle_claims as release

logger = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 60


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


@shared_task
def alert_sla_breaches() -> int:
    alert = alert_new_breaches()
    return alert.details["count"] if alert else 0


@shared_task
def release_idle_claims() -> int:
    released = release(idle_minutes=QueueSettings.load().claim_idle_minutes)
    if released:
        logger.info("released %s idle claims", len(released))
    return len(released)


@shared_task
def detect_spike() -> str:
    return check_for_spike().reason


@shared_task
def alert_missed_hub_update() -> int | None:
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
