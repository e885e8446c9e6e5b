"""The crisis record and the checklist: the only writers of crisis state.

These are plain verbs over playbooks' own tables. What a crisis sets off in the other apps
(holding posts, pausing ads, publishing the hub page, notifying departments) is sequenced by
command.flows, which calls these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core import events
from core.errors import Conflict, Forbidden, NotFound

from . import audit
from .models import (
    AuditKind,
    AutomatedAction,
    ChecklistTask,
    Crisis,
    OrganisationState,
    Phase,
    PhaseChange,
    Scenario,
)
from .selectors import crisis_state, may_tick, task_payload

logger = logging.getLogger(__name__)


class PhaseError(Conflict):
    code = "phase"


class NotInActiveCrisis(NotFound):
    code = "not_in_active_crisis"


class NotYourDepartment(Forbidden):
    code = "not_your_department"


@dataclass(frozen=True)
class Opened:
    crisis: Crisis
    created: bool
    ended_drill: Crisis | None = None


def _locked_state() -> OrganisationState:
    OrganisationState.objects.get_or_create(pk=1)
    return OrganisationState.objects.select_for_update().get(pk=1)


def open_crisis(
    *, scenario: Scenario, by, drill: bool = False, switch_opened_at: datetime | None = None
) -> Opened:
    """The crisis row, its checklist and its first phase, under the organisation-state lock.

    Idempotent: while a crisis is on, returns it (a double click or two leads at once give one
    crisis). A real activation always wins over a running drill: the drill is ended first, in
    the same transaction, and the caller is told which drill it ended. Call inside the caller's
    transaction so that everything the switch does commits together.
    """
    state = _locked_state()
    ended_drill = None
    if state.active_crisis is not None:
        running = state.active_crisis
        if drill or not running.is_drill:
            return Opened(running, created=False)
        ended_drill = _close(state, running, by=by, reason="real_activation")
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
    audit.record(
        AuditKind.ACTIVATED,
        audit.says("drill.activated" if drill else "crisis.activated", scenario=scenario.name),
        crisis=crisis,
        actor=by,
        drill=drill,
        **({"ended_drill": ended_drill.pk} if ended_drill else {}),
    )
    PhaseChange.objects.create(crisis=crisis, from_phase="", to_phase=Phase.ACTIVE, at=now, by=by)
    events.send_crisis_state(crisis_state(crisis))
    logger.info("%s activated by %s: crisis %s", "drill" if drill else "crisis", by, crisis.pk)
    return Opened(crisis, created=True, ended_drill=ended_drill)


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
            raise PhaseError(gettext("There is no such crisis."), status=404)
        if to not in crisis.next_phases():
            raise PhaseError(
                f"A crisis in {crisis.get_phase_display().lower()} cannot move to {to.label.lower()}."
            )
        if to == Phase.CLOSED:
            return _close(state, crisis, by=by)
        before = crisis.phase
        _record_phase(crisis, to, by=by)
        if state.active_crisis_id == crisis.pk:
            events.send_crisis_state(crisis_state(crisis))
    logger.info("crisis %s moved %s -> %s by %s", crisis.pk, before, to, by)
    return crisis


def _record_phase(crisis: Crisis, to: Phase, *, by, **details) -> None:
    before, now = crisis.phase, timezone.now()
    crisis.phase = to
    fields = ["phase"]
    if to == Phase.CLOSED:
        crisis.ended_at, crisis.ended_by = now, by
        fields += ["ended_at", "ended_by"]
    crisis.save(update_fields=fields)
    PhaseChange.objects.create(crisis=crisis, from_phase=before, to_phase=to, at=now, by=by)
    audit.record(
        AuditKind.PHASE,
        audit.says("drill.phase" if crisis.is_drill else "crisis.phase", phase=str(to)),
        crisis=crisis,
        actor=by,
        before={"phase": before},
        after={"phase": str(to)},
        **details,
    )


def _close(state: OrganisationState, crisis: Crisis, *, by, reason: str = "") -> Crisis:
    """Close a crisis and, if it is the active one, end crisis mode. The state row is locked."""
    details = {"reason": reason} if reason else {}
    _record_phase(crisis, Phase.CLOSED, by=by, **details)
    if state.active_crisis_id == crisis.pk:
        state.active_crisis = None
        state.save(update_fields=["active_crisis", "updated_at"])
        audit.record(
            AuditKind.DEACTIVATED,
            audit.says(
                ("drill" if crisis.is_drill else "crisis")
                + (".ended_by_real" if reason == "real_activation" else ".ended")
            ),
            crisis=crisis,
            actor=by,
            before={"active_crisis": crisis.pk},
            after={"active_crisis": None},
            **details,
        )
        events.send_crisis_state(crisis_state(None))
    logger.info("crisis %s closed by %s%s", crisis.pk, by, f" ({reason})" if reason else "")
    return crisis


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
        if not may_tick(by, task):
            raise NotYourDepartment(
                _("Only members of %(department)s, a comms lead or an admin can tick this item.")
                % {"department": task.department_label or _("its department")}
            )
        if done == (task.done_at is not None):
            return task
        before = task.done_at.isoformat() if task.done_at else None
        task.done_at, task.done_by = (timezone.now(), by) if done else (None, None)
        task.save(update_fields=["done_at", "done_by"])
        audit.record(
            AuditKind.TASK_DONE if done else AuditKind.TASK_REOPENED,
            audit.says(
                "task.done" if done else "task.reopened", department=task.department_label, task=task.title
            ),
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
            audit.record(
                AuditKind.TASK_DONE,
                audit.says(
                    "task.done_automated",
                    department=task.department_label,
                    task=task.title,
                    action=str(action),
                ),
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
