"""The steps that follow a crisis off the request (command.flows queues them after commit).

Each takes ids, re-reads what it needs and is safe to run twice.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from hubpage import selectors as hub_selectors
from hubpage import services as hub_services
from hubpage.services import NoActiveCrisis
from playbooks import audit, callin, notify
from playbooks import services as crisis_services
from playbooks.models import AuditKind, AutomatedAction, Crisis
from playbooks.selectors import active_crisis, active_crisis_id, crisis_mode_on_shared_lock
from social import broadcast as social_broadcast
from social import outbound
from social import services as outbound_services

from . import drills

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
def call_in_roster(self, crisis_id: int) -> dict[str, int]:
    """Message the roster at activation, each with their own "on my way" link (safe to run twice)."""
    try:
        counts = callin.call_in(crisis_id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
    logger.info("crisis %s: roster called in: %s", crisis_id, counts)
    return counts


@shared_task(bind=True, acks_late=True, max_retries=3)
def post_holding_statement(self, crisis_id: int) -> bool:
    """The scenario's holding statement as the first hub update, once; ticks its checklist item."""
    crisis = Crisis.objects.select_related("scenario", "activated_by").get(pk=crisis_id)
    text = crisis.scenario.holding_statement.strip()
    if not text or crisis.hub_updates.filter(body_markdown=text).exists():
        return False
    try:
        hub_services.post_update(body=text, by=crisis.activated_by)
    except NoActiveCrisis:
        return False  # ended before the statement went up: nothing to post to
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
    crisis_services.complete_automated(crisis_id=crisis_id, action=AutomatedAction.POST_HOLDING_STATEMENT)
    return True


@shared_task(acks_late=True)
def send_broadcast(crisis_id: int) -> dict[str, int]:
    """Broadcast mode: publish the crisis's holding post on each own account and pin it where
    the platform allows (never for a drill: its rows stay `drill`)."""
    sent = social_broadcast.send(crisis_id=crisis_id)
    if sent.published or sent.failed:
        crisis = Crisis.objects.get(pk=crisis_id)
        audit.record(
            AuditKind.BROADCAST,
            audit.says("broadcast.sent", published=sent.published, pinned=sent.pinned, failed=sent.failed),
            crisis=crisis,
            actor=None,
            published=sent.published,
            pinned=sent.pinned,
            failed=sent.failed,
        )
    return {"published": sent.published, "failed": sent.failed, "pinned": sent.pinned}


@shared_task(acks_late=True)
def pause_on_platforms(crisis_id: int) -> dict[str, int]:
    """Reach the platforms for what the crisis holds (never for a drill), audit the run and tick
    "pause ads" once every item is confirmed paused."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    if crisis is None or crisis.is_drill:
        return {"paused": 0, "failed": 0}
    result = outbound_services.pause_campaigns_on_platforms(crisis_id=crisis_id)
    if result["paused"] or result["failed"]:
        _audit_platform_run(crisis, "pause", result["paused"], result["failed"])
    if outbound_services.all_paused(crisis_id=crisis_id):
        crisis_services.complete_automated(crisis_id=crisis_id, action=AutomatedAction.PAUSE_ADS)
    logger.info("crisis %s: campaigns and native posts paused on platforms: %s", crisis_id, result)
    return result


@shared_task(acks_late=True)
def resume_on_platforms(crisis_id: int) -> dict[str, int]:
    """Resume on its platform what this crisis paused there and the lead released."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    if crisis is None or crisis.is_drill:
        return {"resumed": 0, "failed": 0}
    result = outbound_services.resume_on_platforms(crisis_id=crisis_id)
    if result["resumed"] or result["failed"]:
        _audit_platform_run(crisis, "resume", result["resumed"], result["failed"])
    logger.info("crisis %s: resumed on platforms: %s", crisis_id, result)
    return result


def _audit_platform_run(crisis: Crisis, action: outbound.Action, done: int, failed: int) -> None:
    audit.record(
        AuditKind.PLATFORM_PAUSE,
        audit.says(
            "platforms.paused" if action == "pause" else "platforms.resumed", done=done, failed=failed
        ),
        crisis=crisis,
        actor=None,
        action=action,
        **{"paused" if action == "pause" else "resumed": done, "failed": failed},
        failures=outbound.failed_items(crisis.pk, action),
    )


@shared_task(acks_late=True)
def play_demo_stream(crisis_id: int, seconds: float) -> int:
    """The drill's demo mention stream, in one-minute chunks so no task runs past its time limit."""
    sent, left = drills.play_stream(crisis_id, seconds)
    if left > 0:
        play_demo_stream.delay(crisis_id, left)
    logger.info("drill %s: %s demo mentions, %.0fs left", crisis_id, sent, left)
    return sent


@shared_task(ignore_result=True)
def hold_new_outbound() -> dict[str, int]:
    """Beat, every few seconds: while crisis mode is on, hold what was scheduled or switched on
    since the switch flipped (a post written during the crisis, one a failed send put back, an
    ad campaign turned on) and reach the platforms for it. Nothing held publishes after the
    crisis without the lead's decision (the release list in the crisis room)."""
    with transaction.atomic():
        if not crisis_mode_on_shared_lock():
            return {"posts": 0, "campaigns": 0}
        crisis = active_crisis()
        held = outbound_services.hold_outbound(crisis=crisis)
        if held.posts or held.campaigns:
            audit.record(
                AuditKind.OUTBOUND_HELD,
                audit.says("outbound.held_since", posts=held.posts, campaigns=held.campaigns),
                crisis=crisis,
                actor=None,
                posts=held.posts,
                campaigns=held.campaigns,
            )
            logger.warning(
                "crisis %s: held %s new posts and %s campaigns", crisis.pk, held.posts, held.campaigns
            )
        if held.campaigns or held.native_posts:
            crisis_id = crisis.pk
            transaction.on_commit(lambda: pause_on_platforms.delay(crisis_id), robust=True)
    return {"posts": held.posts, "campaigns": held.campaigns}


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=2, retry_backoff_max=60, max_retries=None
)
def write_hub_page(crisis_id: int | None = None) -> bool:
    """Write the public page after a write failed, again and again with backoff until it is
    written (each failure is recorded and shown to the lead); then tick "publish the hub page"."""
    hub_services.publish()
    if crisis_id is not None:
        crisis_services.complete_automated(crisis_id=crisis_id, action=AutomatedAction.PUBLISH_HUB)
    return True


@shared_task(ignore_result=True)
def repair_hub_page() -> bool:
    """Beat: the public page behind the database (a failed write, or one lost with the process
    that was to make it) is written again, with backoff after each failure. Safe on every node:
    publishing runs under its own advisory lock and writes nothing when nothing changed."""
    if not hub_selectors.write_retry_due(hub_selectors.write_status()):
        return False
    if not hub_services.publish_quietly():
        return False
    crisis_id = active_crisis_id()
    if crisis_id is not None:
        crisis_services.complete_automated(crisis_id=crisis_id, action=AutomatedAction.PUBLISH_HUB)
    return True
