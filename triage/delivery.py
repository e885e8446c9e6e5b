"""Sending a recorded reply through its platform's connector; in a drill, never."""

import logging
from collections.abc import Callable

from celery import shared_task
from django.utils import timezone

from core import events
from playbooks.selectors import drill_crisis_ids, drill_running
from social.connectors import OutboundError, get_connector
from triage.models import Mention, Reply, ReplyStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 4


def initial_status(mentions: list[Mention]) -> dict[int, ReplyStatus]:
    """Per mention id: DRILL while a drill runs or for a drill's demo mention (recorded, shown as
    a drill, never sent), else SENDING."""
    if drill_running():
        return {m.pk: ReplyStatus.DRILL for m in mentions}
    drills = drill_crisis_ids({m.crisis_id for m in mentions if m.crisis_id})
    return {m.pk: ReplyStatus.DRILL if m.crisis_id in drills else ReplyStatus.SENDING for m in mentions}


def send_reply(reply_id: int, *, attempt: int = 0, retry: Callable | None = None) -> Reply | None:
    answer = Reply.objects.select_related("mention").filter(pk=reply_id, status=ReplyStatus.SENDING).first()
    if answer is None:
        return None
    mention = answer.mention
    try:
        external_id = get_connector(mention.platform).reply(
            in_reply_to=mention.external_id, author_handle=mention.author_handle, text=answer.text
        )
    except OutboundError as exc:
        if exc.transient and attempt < MAX_ATTEMPTS:
            countdown = exc.retry_after or 2**attempt
            if retry is not None:
                raise retry(exc=exc, countdown=countdown) from exc
            # Sent as part of a broadcast: this one reply retries on its own task.

            send_reply_task.apply_async((reply_id,), countdown=countdown)
            return None
        Reply.objects.filter(pk=reply_id).update(status=ReplyStatus.FAILED, error=str(exc)[:300])
        logger.warning("reply %s to %s failed: %s", reply_id, mention.platform, exc)
        _tell(reply_id)
        return None
    Reply.objects.filter(pk=reply_id).update(
        status=ReplyStatus.SENT, external_id=external_id, sent_at=timezone.now()
    )
    _tell(reply_id)
    return answer


def _tell(reply_id: int) -> None:
    reply_status_event(Reply.objects.select_related("mention").get(pk=reply_id))


def reply_status_event(reply: Reply) -> None:
    events.send_reply_status(
        {
            "type": "reply.status",
            "reply": reply.pk,
            "mention": reply.mention_id,
            "status": reply.status,
            "error": reply.error,
        },
        tier=reply.mention.tier,
    )


@shared_task(name="triage.tasks.send_reply_task", bind=True, max_retries=4)
def send_reply_task(self, reply_id: int) -> None:
    send_reply(reply_id, attempt=self.request.retries, retry=self.retry)


@shared_task(name="triage.tasks.send_replies_task")
def send_replies_task(reply_ids: list[int]) -> None:
    """A broadcast: one task for the batch; each reply is sent (or marked failed) on its own."""

    for reply_id in reply_ids:
        send_reply(reply_id)
