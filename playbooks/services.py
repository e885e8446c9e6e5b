"""The crisis switch and the checklist: the only writers of crisis state."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from crisiscenter import events
from social import services as social_services
from social.selectors import outbound_to_hold

from .models import AuditEntry, AuditKind, ChecklistTask, Crisis, OrganisationState, Phase, Scenario
from .selectors import crisis_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Activation:
    crisis: Crisis
    created: bool
    posts_held: int
    campaigns_paused: int


def _audit(kind: AuditKind, description: str, *, crisis: Crisis | None, actor, **details) -> None:
    AuditEntry.objects.create(
        at=timezone.now(), kind=kind, description=description, crisis=crisis, actor=actor, details=details
    )


def _locked_state() -> OrganisationState:
    OrganisationState.objects.get_or_create(pk=1)
    return OrganisationState.objects.select_for_update().get(pk=1)


def activate(*, scenario: Scenario, by, drill: bool = False) -> Activation:
    """Flip into crisis mode (or a drill). Idempotent: while a crisis is on, returns it.

    One transaction holding the organisation-state lock: the crisis, the held posts
    and campaigns, the published hub page, the checklist run and the audit entry
    commit together or not at all. Platform calls and broadcasts follow the commit.
    """
    with transaction.atomic():
        state = _locked_state()
        if state.active_crisis is not None:
            return Activation(state.active_crisis, created=False, posts_held=0, campaigns_paused=0)
        now = timezone.now()
        crisis = Crisis.objects.create(
            scenario=scenario,
            title=scenario.hub_title,
            summary=scenario.hub_summary,
            is_drill=drill,
            activated_at=now,
            activated_by=by,
            hub_published_at=now,
        )
        if drill:
            # A drill rehearses everything but touches nothing outside: what would be
            # held is counted, not held.
            would = outbound_to_hold()
            held = social_services.HeldOutbound(posts=would["posts"], campaigns=would["campaigns"])
        else:
            held = social_services.hold_outbound(crisis=crisis)
        ChecklistTask.objects.bulk_create(
            ChecklistTask(
                crisis=crisis,
                item=item,
                title=item.title,
                department=item.department,
                order=item.order,
                due_at=now + timedelta(minutes=item.due_minutes) if item.due_minutes is not None else None,
            )
            for item in scenario.checklist_items.all()
        )
        state.active_crisis = crisis
        state.save(update_fields=["active_crisis", "updated_at"])
        verb = "would be" if drill else "were"
        _audit(
            AuditKind.ACTIVATED,
            f"{'Drill' if drill else 'Crisis'} activated: {scenario.name}",
            crisis=crisis,
            actor=by,
            drill=drill,
        )
        _audit(
            AuditKind.OUTBOUND_HELD,
            f"{held.posts} scheduled posts and {held.campaigns} ad campaigns {verb} paused",
            crisis=crisis,
            actor=by,
            posts=held.posts,
            campaigns=held.campaigns,
            drill=drill,
        )
        _audit(AuditKind.HUB_PUBLISHED, "Hub page published", crisis=crisis, actor=by, drill=drill)
        _after_commit_publish_hub()
        if not drill and (held.campaigns or held.native_posts):
            social_services.queue_platform_pauses(crisis.pk)
        events.send_crisis_state(crisis_state(crisis))
    logger.info("%s activated by %s: crisis %s", "drill" if drill else "crisis", by, crisis.pk)
    return Activation(crisis, created=True, posts_held=held.posts, campaigns_paused=held.campaigns)


def deactivate(*, by) -> Crisis | None:
    """Return to normal. The crisis and everything it touched are kept; held posts stay held."""
    with transaction.atomic():
        state = _locked_state()
        crisis = state.active_crisis
        if crisis is None:
            return None
        crisis.phase, crisis.ended_at, crisis.ended_by = Phase.CLOSED, timezone.now(), by
        crisis.save(update_fields=["phase", "ended_at", "ended_by"])
        state.active_crisis = None
        state.save(update_fields=["active_crisis", "updated_at"])
        _audit(
            AuditKind.DEACTIVATED,
            f"{'Drill' if crisis.is_drill else 'Crisis'} ended",
            crisis=crisis,
            actor=by,
        )
        _after_commit_publish_hub()
        events.send_crisis_state(crisis_state(None))
    return crisis


class NotInActiveCrisis(Exception):
    pass


def set_task_done(*, task_id: int, by, done: bool) -> ChecklistTask:
    """Tick or reopen a checklist task of the active crisis; an ended crisis's checklist is closed."""
    with transaction.atomic():
        task = (
            ChecklistTask.objects.select_for_update(of=("self",))
            .select_related("crisis")
            .filter(pk=task_id, crisis__in=OrganisationState.objects.filter(pk=1).values("active_crisis"))
            .first()
        )
        if task is None:
            raise NotInActiveCrisis("That checklist item is not part of the active crisis.")
        if done == (task.done_at is not None):
            return task
        task.done_at, task.done_by = (timezone.now(), by) if done else (None, None)
        task.save(update_fields=["done_at", "done_by"])
        _audit(
            AuditKind.TASK_DONE if done else AuditKind.TASK_REOPENED,
            f"{task.department}: {task.title} {'done' if done else 'reopened'}",
            crisis=task.crisis,
            actor=by,
            task=task.pk,
        )
    return task


def record_hub_update(*, crisis: Crisis, by) -> None:
    _audit(AuditKind.HUB_UPDATE, "Hub page updated", crisis=crisis, actor=by)


def _after_commit_publish_hub() -> None:
    from hubpage.services import publish

    transaction.on_commit(publish, robust=True)
