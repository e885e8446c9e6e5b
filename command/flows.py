"""What a crisis sets off, in order: the one place that sequences activation, phase moves,
closing and the release of what was held.

Each lower app does one thing and returns what it did: playbooks opens and moves the crisis
and ticks its checklist, social holds and pauses outbound content, hubpage publishes the
public page. This module calls them in turn, inside one transaction where they must commit
together, and queues what follows the commit (platform calls, department notifications, the
holding statement, a drill's demo stream) as Celery tasks in command.tasks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from hubpage import selectors as hub_selectors
from hubpage import services as hub_services
from playbooks import audit, notify, review
from playbooks import services as crisis_services
from playbooks.models import AuditKind, AutomatedAction, Crisis, Phase, Scenario
from playbooks.selectors import active_crisis_id
from social import broadcast as social_broadcast
from social import services as outbound_services
from social.selectors import outbound_to_hold

from . import tasks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Activation:
    crisis: Crisis
    created: bool
    posts_held: int
    campaigns_paused: int
    ended_drill: Crisis | None = None


def activate(
    *,
    scenario: Scenario,
    by,
    drill: bool = False,
    demo_stream_minutes: int = 0,
    switch_opened_at: datetime | None = None,
    broadcast: bool = True,
    call_roster: bool = True,
) -> Activation:
    """Flip into crisis mode (or a drill). Idempotent: while a crisis is on, returns it; a real
    activation while a drill runs ends the drill and activates.

    One transaction holding the organisation-state lock: the crisis, the held posts and
    campaigns, the checklist run and the audit entries commit together or not at all. After
    commit: the hub page is published, the platforms are reached, departments are told, the
    holding statement goes up, the scenario's holding post is broadcast on our own accounts
    (broadcast mode, unless the lead unticked it; a drill records it and sends nothing) and a
    drill's stream starts. The roster is called in (unless the lead unticked it), each member
    with their own "on my way" link.
    """
    with transaction.atomic():
        opened = crisis_services.open_crisis(
            scenario=scenario, by=by, drill=drill, switch_opened_at=switch_opened_at
        )
        crisis = opened.crisis
        if not opened.created:
            return Activation(crisis, created=False, posts_held=0, campaigns_paused=0)
        if drill:
            # A drill rehearses everything but touches nothing outside: what would be held is counted.
            would = outbound_to_hold()
            held = outbound_services.HeldOutbound(posts=would["posts"], campaigns=would["campaigns"])
        else:
            held = outbound_services.hold_outbound(crisis=crisis)
        audit.record(
            AuditKind.OUTBOUND_HELD,
            audit.says(
                "outbound.held_drill" if drill else "outbound.held",
                posts=held.posts,
                campaigns=held.campaigns,
            ),
            crisis=crisis,
            actor=by,
            posts=held.posts,
            campaigns=held.campaigns,
            drill=drill,
        )
        audit.record(
            AuditKind.HUB_PUBLISHED, audit.says("hub.published"), crisis=crisis, actor=by, drill=drill
        )
        hub_services.mark_changed()
        _after_commit(publish_hub, crisis.pk)
        # The bulk UPDATE above held the posts: that item is done the moment this commits.
        _after_commit(_tick, crisis.pk, AutomatedAction.PAUSE_POSTS)
        if not drill and (held.campaigns or held.native_posts):
            queue_platform_pauses(crisis.pk)  # the task ticks "pause ads" once all are confirmed
        else:
            # A drill pauses nothing on platforms, and with nothing to pause there is nothing to wait for.
            _after_commit(_tick, crisis.pk, AutomatedAction.PAUSE_ADS)
        _after_commit(tasks.notify_departments.delay, crisis.pk)
        if call_roster:
            _after_commit(tasks.call_in_roster.delay, crisis.pk)
        if scenario.holding_statement.strip():
            _after_commit(tasks.post_holding_statement.delay, crisis.pk)
        if broadcast and scenario.broadcast_text.strip():
            _prepare_broadcast(crisis, by)
        if drill and demo_stream_minutes:
            _after_commit(tasks.play_demo_stream.delay, crisis.pk, demo_stream_minutes * 60)
    return Activation(
        crisis,
        created=True,
        posts_held=held.posts,
        campaigns_paused=held.campaigns,
        ended_drill=opened.ended_drill,
    )


def broadcast_text(scenario: Scenario) -> str:
    """The holding post as it goes out: the scenario's words and the hub page link."""
    return f"{scenario.broadcast_text.strip()}\n{hub_selectors.hub_url()}"


def _prepare_broadcast(crisis: Crisis, by) -> None:
    prepared = social_broadcast.prepare(crisis=crisis, text=broadcast_text(crisis.scenario))
    if not prepared.accounts:
        return
    audit.record(
        AuditKind.BROADCAST,
        audit.says("broadcast.drill" if crisis.is_drill else "broadcast.queued", accounts=prepared.accounts),
        crisis=crisis,
        actor=by,
        accounts=prepared.accounts,
        drill=crisis.is_drill,
    )
    if not crisis.is_drill:
        _after_commit(tasks.send_broadcast.delay, crisis.pk)


def retry_failed_broadcast(*, crisis_id: int) -> int:
    """Another attempt for the holding posts that failed, and only those."""
    with transaction.atomic():
        count = social_broadcast.retry_failed(crisis_id=crisis_id)
        if count:
            _after_commit(tasks.send_broadcast.delay, crisis_id)
    return count


def move_phase(*, crisis_id: int, to: str, by) -> Crisis:
    """What the lead's phase buttons and the phase API do. `reviewed` only by completing the
    review (both meetings held); every move republishes the hub page, which shows the phase."""
    if to == Phase.REVIEWED:
        crisis = review.complete_review(crisis_id=crisis_id, by=by)
    else:
        try:
            to = Phase(to)
        except ValueError as exc:
            raise crisis_services.PhaseError(f"There is no phase called {to!r}.", status=400) from exc
        crisis = crisis_services.advance_phase(crisis_id=crisis_id, to=to, by=by)
    hub_services.mark_changed()
    _after_commit(publish_hub)
    return crisis


def deactivate(*, by) -> Crisis | None:
    """Close the active crisis (from active or aftermath). Nothing is deleted; held posts stay held."""
    crisis_id = active_crisis_id()
    if crisis_id is None:
        return None
    try:
        return move_phase(crisis_id=crisis_id, to=Phase.CLOSED, by=by)
    except crisis_services.PhaseError:
        return None  # someone else closed it a moment ago


def publish_hub(crisis_id: int | None = None) -> None:
    """Write the public page now; the crisis's "publish the hub page" item ticks once it is written.

    A failed write (recorded, shown to the lead) goes to the worker, which retries with backoff
    until it is written and then ticks the item."""
    if not hub_services.publish_quietly():
        tasks.write_hub_page.delay(crisis_id)
        return
    if crisis_id is not None:
        crisis_services.complete_automated(crisis_id=crisis_id, action=AutomatedAction.PUBLISH_HUB)


def queue_platform_pauses(crisis_id: int) -> None:
    _after_commit(tasks.pause_on_platforms.delay, crisis_id)


def retry_failed_pauses(*, crisis_id: int) -> int:
    """Another platform attempt for the items whose pause (or resume) failed, and only those."""
    with transaction.atomic():
        retried = outbound_services.retry_failed_pauses(crisis_id=crisis_id)
        if retried.pauses:
            _after_commit(tasks.pause_on_platforms.delay, crisis_id)
        if retried.resumes:
            _after_commit(tasks.resume_on_platforms.delay, crisis_id)
    return retried.pauses + retried.resumes


def retry_failed_notifications(*, crisis_id: int) -> int:
    """Send again the department notifications that failed; returns how many."""
    with transaction.atomic():
        count = notify.retry_failed(crisis_id)
        if count:
            _after_commit(tasks.notify_departments.delay, crisis_id)
    return count


def resume_outbound(
    *, crisis: Crisis, by, post_ids: list[int] | None = None, campaign_ids: list[int] | None = None
) -> outbound_services.Resumed:
    """Release held posts and paused ads the lead chose (all when ids are None), audited; what
    was paused on a platform is resumed there after commit."""
    with transaction.atomic():
        result = outbound_services.resume_outbound(
            crisis_id=crisis.pk, post_ids=post_ids, campaign_ids=campaign_ids
        )
        audit.record(
            AuditKind.RESUMED,
            audit.says("outbound.resumed", posts=result.posts, campaigns=result.campaigns),
            crisis=crisis,
            actor=by,
            before={"status": "held"},
            after={"status": "scheduled", "posts": result.posts, "campaigns": result.campaigns},
            post_ids=post_ids,
            campaign_ids=campaign_ids,
        )
        if result.on_platforms:
            _after_commit(tasks.resume_on_platforms.delay, crisis.pk)
    return result


def discard_held_posts(*, crisis: Crisis, by, post_ids: list[int] | None = None) -> int:
    with transaction.atomic():
        count = outbound_services.discard_held_posts(crisis_id=crisis.pk, post_ids=post_ids)
        audit.record(
            AuditKind.DISCARDED,
            audit.says("outbound.discarded", count=count),
            crisis=crisis,
            actor=by,
            before={"status": "held"},
            after={"status": "discarded", "posts": count},
            post_ids=post_ids,
        )
    return count


def _tick(crisis_id: int, action: AutomatedAction) -> None:
    crisis_services.complete_automated(crisis_id=crisis_id, action=action)


def _after_commit(func, *args) -> None:
    transaction.on_commit(lambda: func(*args), robust=True)
