import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def publish_due_posts() -> int:
    count = services.publish_due_posts()
    if count:
        logger.info("published %s scheduled posts", count)
    return count


@shared_task(acks_late=True)
def pause_campaigns_on_platforms(crisis_id: int) -> dict[str, int]:
    counts = services.pause_campaigns_on_platforms(crisis_id=crisis_id)
    logger.info("crisis %s: campaigns and native posts paused on platforms: %s", crisis_id, counts)
    return counts


@shared_task(acks_late=True)
def resume_on_platforms(crisis_id: int) -> dict[str, int]:
    counts = services.resume_on_platforms(crisis_id=crisis_id)
    logger.info("crisis %s: resumed on platforms: %s", crisis_id, counts)
    return counts


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def poll_reddit() -> int:
    """Beat runs this every minute; without Reddit credentials it does nothing."""
    from .connectors import get_connector
    from .connectors.base import OutboundError
    from .connectors.reddit import RedditConnector
    from .connectors.reddit_poll import poll

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
    from .imports import run_import

    result = run_import(import_id)
    if result is not None:
        logger.info(
            "import %s: %s rows, %s accepted, %s rejected",
            import_id,
            result.rows_read,
            result.accepted,
            result.rejected,
        )
