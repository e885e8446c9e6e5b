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
