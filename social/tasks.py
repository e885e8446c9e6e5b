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
