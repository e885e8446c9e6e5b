import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from core import locks
from core.http import OutboundError
from social.connectors import get_connector
from social.connectors.reddit import RedditConnector

from . import retention
from .alerts import alert_missed_hub_update as check
from .alerts import alert_new_breaches, check_for_spike
from .inbound.csv_import import run_import
from .inbound.reddit_poll import poll
from .ingest import enqueue_batches
from .models import BatchStatus, MentionBatch, QueueSettings
from .services import release_idle_claims as release

logger = logging.getLogger(__name__)


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


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=1500,
    time_limit=1800,
)
def purge_expired_mentions() -> dict:
    """Retention: anonymise mentions past RETENTION_DAYS, in batches (safe on every node)."""
    result = retention.purge_expired()
    return {
        "anonymised": result.anonymised,
        "batches_emptied": result.batches_emptied,
        "complete": result.complete,
        "deferred": result.deferred,
    }
