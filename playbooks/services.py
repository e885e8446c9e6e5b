"""The crisis switch and the checklist: the only writers of crisis state."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from core import events
from social import services as social_services
from social.selectors import outbound_to_hold

from .models import (
    AuditEntry,
    AuditKind,
    AutomatedAction,
    ChecklistTask,
    Crisis,
    OrganisationState,
    Phase,
    PhaseChange,
    Scenario,
)
from .selectors import crisis_state, task_payload

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


def activate(
    *, scenario: Scenario, by, drill: bool = False, demo_stream_minutes: int = 0, switch_opened_at=None
) -> Activation:
    """Flip into crisis mode (or a drill). Idempotent: while a crisis is on, returns it.

    One transaction holding the organisation-state lock: the crisis, the held posts
    and campaigns, the published hub page, the checklist run and the audit entry
    commit together or not at all. Platform calls, department notifications, the
    holding statement and broadcasts follow the commit, as Celery tasks.
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
            switch_opened_at=switch_opened_at,
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
                department_name=item.department.name,
                owner_role=item.owner_role,
                action=item.action,
                order=item.order,
                due_at=now + timedelta(minutes=item.due_minutes) if item.due_minutes is not None else None,
            )
            for item in scenario.checklist_items.select_related("department")
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
        PhaseChange.objects.create(crisis=crisis, from_phase="", to_phase=Phase.ACTIVE, at=now, by=by)
        _after_commit_publish_hub(crisis_id=crisis.pk)
        # The bulk UPDATE above held the posts: that item is done the moment this commits.
        crisis_id = crisis.pk
        transaction.on_commit(
            lambda: complete_automated(crisis_id=crisis_id, action=AutomatedAction.PAUSE_POSTS), robust=True
        )
        if not drill and (held.campaigns or held.native_posts):
            # social's pause task ticks the pause_ads item once nothing is left pending.
            social_services.queue_platform_pauses(crisis_id)
        else:
            # A drill pauses nothing on platforms, and with nothing to pause there is nothing to wait for.
            transaction.on_commit(
                lambda: complete_automated(crisis_id=crisis_id, action=AutomatedAction.PAUSE_ADS), robust=True
            )
        _after_commit_follow_up(crisis_id, scenario, demo_stream_minutes if drill else 0)
        events.send_crisis_state(crisis_state(crisis))
    logger.info("%s activated by %s: crisis %s", "drill" if drill else "crisis", by, crisis.pk)
    return Activation(crisis, created=True, posts_held=held.posts, campaigns_paused=held.campaigns)


def deactivate(*, by) -> Crisis | None:
    """Close the active crisis (from active or aftermath). Nothing is deleted; held posts stay held."""
    crisis_id = OrganisationState.objects.filter(pk=1).values_list("active_crisis_id", flat=True).first()
    if crisis_id is None:
        return None
    try:
        return advance_phase(crisis_id=crisis_id, to=Phase.CLOSED, by=by)
    except PhaseError:
        return None  # someone else closed it a moment ago


class PhaseError(Exception):
    pass


def move_phase(*, crisis_id: int, to: str, by) -> Crisis:
    """What the lead's phase button and the phase API do: `reviewed` only by completing the
    review (both meetings held, playbooks.review), every other move through advance_phase."""
    if to == Phase.REVIEWED:
        from .review import complete_review

        return complete_review(crisis_id=crisis_id, by=by)
    return advance_phase(crisis_id=crisis_id, to=to, by=by)


def advance_phase(*, crisis_id: int, to: str, by) -> Crisis:
    """Move a crisis on: active -> aftermath -> closed -> reviewed, recorded and audited.

    Aftermath keeps the crisis the active one (hub page and queue keep working).
    Closing is the end of crisis mode: the state row is released under its lock.
    """
    to = Phase(to)
    with transaction.atomic():
        state = _locked_state()
        crisis = Crisis.objects.select_for_update().filter(pk=crisis_id).first()
        if crisis is None:
            raise PhaseError("There is no such crisis.")
        if to not in crisis.next_phases():
            raise PhaseError(
                f"A crisis in {crisis.get_phase_display().lower()} cannot move to {to.label.lower()}."
            )
        before, now = crisis.phase, timezone.now()
        crisis.phase = to
        fields = ["phase"]
        if to == Phase.CLOSED:
            crisis.ended_at, crisis.ended_by = now, by
            fields += ["ended_at", "ended_by"]
        crisis.save(update_fields=fields)
        PhaseChange.objects.create(crisis=crisis, from_phase=before, to_phase=to, at=now, by=by)
        _audit(
            AuditKind.PHASE,
            f"{'Drill' if crisis.is_drill else 'Crisis'} moved to {to.label.lower()}",
            crisis=crisis,
            actor=by,
            before={"phase": before},
            after={"phase": str(to)},
        )
        if to == Phase.CLOSED and state.active_crisis_id == crisis.pk:
            state.active_crisis = None
            state.save(update_fields=["active_crisis", "updated_at"])
            _audit(
                AuditKind.DEACTIVATED,
                f"{'Drill' if crisis.is_drill else 'Crisis'} ended",
                crisis=crisis,
                actor=by,
                before={"active_crisis": crisis.pk},
                after={"active_crisis": None},
            )
            _after_commit_publish_hub()
            events.send_crisis_state(crisis_state(None))
        elif state.active_crisis_id == crisis.pk:
            events.send_crisis_state(crisis_state(crisis))
    logger.info("crisis %s moved %s -> %s by %s", crisis.pk, before, to, by)
    return crisis


class NotInActiveCrisis(Exception):
    pass


def set_task_done(*, task_id: int, by, done: bool) -> ChecklistTask:
    """Tick or reopen a checklist task of the active crisis; an ended crisis's checklist is closed."""
    with transaction.atomic():
        task = (
            ChecklistTask.objects.select_for_update(of=("self",))
            .select_related("crisis", "department")
            .filter(pk=task_id, crisis__in=OrganisationState.objects.filter(pk=1).values("active_crisis"))
            .first()
        )
        if task is None:
            raise NotInActiveCrisis("That checklist item is not part of the active crisis.")
        if done == (task.done_at is not None):
            return task
        before = task.done_at.isoformat() if task.done_at else None
        task.done_at, task.done_by = (timezone.now(), by) if done else (None, None)
        task.save(update_fields=["done_at", "done_by"])
        _audit(
            AuditKind.TASK_DONE if done else AuditKind.TASK_REOPENED,
            f"{task.department_label}: {task.title} {'done' if done else 'reopened'}",
            crisis=task.crisis,
            actor=by,
            task=task.pk,
            before={"done_at": before},
            after={"done_at": task.done_at.isoformat() if task.done_at else None},
        )
        _send_tasks(task.crisis_id, [task])
    return task


def complete_automated(*, crisis_id: int, action: str) -> int:
    """Tick the open checklist items of a crisis whose automated action has just finished.

    Safe to call twice and from any process; returns how many items it ticked.
    """
    action = AutomatedAction(action)
    with transaction.atomic():
        now = timezone.now()
        ids = list(
            ChecklistTask.objects.select_for_update()
            .filter(crisis_id=crisis_id, action=action, done_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        ChecklistTask.objects.filter(pk__in=ids).update(done_at=now)
        tasks = list(ChecklistTask.objects.filter(pk__in=ids).select_related("department"))
        crisis = Crisis.objects.get(pk=crisis_id)
        for task in tasks:
            _audit(
                AuditKind.TASK_DONE,
                f"{task.department_label}: {task.title} done (automated: {action.label.lower()})",
                crisis=crisis,
                actor=None,
                task=task.pk,
                automated=str(action),
                before={"done_at": None},
                after={"done_at": now.isoformat()},
            )
        _send_tasks(crisis_id, tasks)
    return len(ids)


def _send_tasks(crisis_id: int, tasks: list[ChecklistTask]) -> None:
    totals = ChecklistTask.objects.filter(crisis_id=crisis_id).aggregate(
        total=models.Count("id"), done=models.Count("id", filter=models.Q(done_at__isnull=False))
    )
    events.send_checklist(
        {
            "type": "checklist.tasks",
            "crisis_id": crisis_id,
            "tasks": [task_payload(t) for t in tasks],
            "done": totals["done"],
            "total": totals["total"],
        }
    )


def record_hub_update(*, crisis: Crisis, by) -> None:
    _audit(AuditKind.HUB_UPDATE, "Hub page updated", crisis=crisis, actor=by)


def _after_commit_publish_hub(crisis_id: int | None = None) -> None:
    from hubpage.services import publish

    def publish_and_tick() -> None:
        publish()
        if crisis_id is not None:
            complete_automated(crisis_id=crisis_id, action=AutomatedAction.PUBLISH_HUB)

    transaction.on_commit(publish_and_tick, robust=True)


def _after_commit_follow_up(crisis_id: int, scenario: Scenario, demo_stream_minutes: int) -> None:
    """Departments are told, the holding statement goes up and a drill's stream starts, off the request."""
    from command import tasks

    transaction.on_commit(lambda: tasks.notify_departments.delay(crisis_id), robust=True)
    if scenario.holding_statement.strip():
        transaction.on_commit(lambda: tasks.post_holding_statement.delay(crisis_id), robust=True)
    if demo_stream_minutes:
        transaction.on_commit(
            lambda: tasks.play_demo_stream.delay(crisis_id, demo_stream_minutes * 60), robust=True
        )


def resume_outbound(*, crisis: Crisis, by, post_ids=None, campaign_ids=None) -> social_services.Resumed:
    """Release held posts and paused ads the lead chose (all when ids are None), audited."""
    with transaction.atomic():
        result = social_services.resume_outbound(
            crisis_id=crisis.pk, post_ids=post_ids, campaign_ids=campaign_ids
        )
        _audit(
            AuditKind.RESUMED,
            f"{result.posts} held posts and {result.campaigns} ad campaigns resumed",
            crisis=crisis,
            actor=by,
            before={"status": "held"},
            after={"status": "scheduled", "posts": result.posts, "campaigns": result.campaigns},
            post_ids=post_ids,
            campaign_ids=campaign_ids,
        )
    return result


def discard_held_posts(*, crisis: Crisis, by, post_ids=None) -> int:
    with transaction.atomic():
        count = social_services.discard_held_posts(crisis_id=crisis.pk, post_ids=post_ids)
        _audit(
            AuditKind.DISCARDED,
            f"{count} held posts discarded",
            crisis=crisis,
            actor=by,
            before={"status": "held"},
            after={"status": "discarded", "posts": count},
            post_ids=post_ids,
        )
    return count
