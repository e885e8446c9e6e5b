"""Mail that follows the hub page: confirmation mails, and each update in batches."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction

from . import selectors
from .models import HubUpdate
from .subscriptions import MAIL_ERRORS, update_message

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=8)
def notify_subscribers(update_id: int) -> int:
    """Mail one batch of the update's audience, each in their language, then queue the next batch.

    The audience is selectors.update_audience: whoever's page shows the update.

    Progress is kept on the update (notified_upto), under a row lock: running it twice, or
    after a crash, continues where it stopped instead of mailing everyone again.
    """
    with transaction.atomic():
        update = HubUpdate.objects.select_for_update().select_related("crisis").filter(pk=update_id).first()
        if update is None or update.crisis.is_drill:
            return 0
        batch = list(
            selectors.update_audience(update)
            .filter(pk__gt=update.notified_upto)
            .order_by("pk")[: settings.HUB_NOTIFY_BATCH]
        )
        if not batch:
            return 0
        titles: dict[str, str] = {}
        messages = []
        for subscriber in batch:
            lang = selectors.published_language(subscriber.lang)
            if lang not in titles:
                titles[lang] = selectors.page_title(update.crisis, lang)
            messages.append(update_message(subscriber, update=update, title=titles[lang]))
        with get_connection() as connection:
            connection.send_messages(messages)
        update.notified_upto = batch[-1].pk
        update.save(update_fields=["notified_upto"])
        if len(batch) == settings.HUB_NOTIFY_BATCH:
            transaction.on_commit(lambda: notify_subscribers.delay(update_id), robust=True)
    logger.info("hub update %s mailed to %s subscribers", update_id, len(batch))
    return len(batch)
