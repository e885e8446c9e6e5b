"""Work that follows an activation, off the request: each task takes ids and is safe to run twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from command import drills
from playbooks import notify
from playbooks.models import AutomatedAction, Crisis

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, max_retries=3)
def notify_departments(self, crisis_id: int) -> dict[str, int]:
    try:
        counts = notify.notify_departments(crisis_id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
    logger.info("crisis %s: departments notified: %s", crisis_id, counts)
    return counts


@shared_task(bind=True, acks_late=True, max_retries=3)
def post_holding_statement(self, crisis_id: int) -> bool:
    """Post the scenario's holding statement as the first hub update, once."""
    from hubpage.services import NoActiveCrisis, post_update
    from playbooks.services import complete_automated

    crisis = Crisis.objects.select_related("scenario", "activated_by").get(pk=crisis_id)
    text = crisis.scenario.holding_statement.strip()
    if not text or crisis.hub_updates.filter(body_markdown=text).exists():
        return False
    try:
        post_update(body=text, by=crisis.activated_by)
    except NoActiveCrisis:
        return False  # ended before the statement went up: nothing to post to
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
    complete_automated(crisis_id=crisis_id, action=AutomatedAction.POST_HOLDING_STATEMENT)
    return True


@shared_task(acks_late=True)
def play_demo_stream(crisis_id: int, seconds: float) -> int:
    """The drill's demo mention stream, in one-minute chunks so no task runs past its time limit."""
    sent, left = drills.play_stream(crisis_id, seconds)
    if left > 0:
        play_demo_stream.delay(crisis_id, left)
    logger.info("drill %s: %s demo mentions, %.0fs left", crisis_id, sent, left)
    return sent
