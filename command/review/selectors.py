"""What the review page, its print view and the API show: read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from playbooks.audit import MILESTONES
from playbooks.models import ActionItem, AuditEntry, ChecklistTask, Crisis, MeetingKind, Review
from playbooks.review import AGENDA, MeetingNotes, is_open
from triage.reports.export import visible_figures
from triage.reports.figures import CrisisFigures, crisis_figures


@dataclass(frozen=True)
class TaskTiming:
    task: ChecklistTask
    minutes_due: int | None
    minutes_done: int | None
    late_minutes: int | None  # positive when done (or still open) after its due time


@dataclass(frozen=True)
class Meeting:
    kind: MeetingKind
    notes: Any  # ReviewMeeting or MeetingNotes (not written yet)
    agenda: list[tuple[str, str, str]]  # field, question, answer


def _minutes(later: datetime | None, earlier: datetime) -> int | None:
    return None if later is None else round((later - earlier).total_seconds() / 60)


def review_of(crisis: Crisis) -> Review | None:
    return Review.objects.filter(crisis=crisis).select_related("completed_by").first()


def meetings(review: Review | None) -> list[Meeting]:
    written = {m.kind: m for m in review.meetings.all()} if review else {}
    out = []
    for kind in MeetingKind:
        notes = written.get(kind.value) or MeetingNotes()
        out.append(Meeting(kind, notes, [(f, q, getattr(notes, f)) for f, q in AGENDA]))
    return out


def action_items(review: Review | None) -> QuerySet[ActionItem] | list[ActionItem]:
    if review is None:
        return []
    return review.action_items.select_related("owner", "scenario", "done_by")


def milestones(crisis: Crisis) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(crisis=crisis, kind__in=MILESTONES).select_related("actor")
    return list(entries.order_by("at", "id"))


def task_timings(crisis: Crisis, now: datetime) -> list[TaskTiming]:
    start = crisis.activated_at
    timings = []
    for task in crisis.tasks.select_related("done_by", "department").order_by("due_at", "order", "id"):
        late = None
        if task.due_at is not None and task.done_at is not None:
            late = _minutes(task.done_at, task.due_at)
        elif task.due_at is not None:
            # Never done: late by the time it stayed open past its due time, if it did.
            open_late = _minutes(crisis.ended_at or now, task.due_at)
            late = open_late if open_late > 0 else None
        timings.append(TaskTiming(task, _minutes(task.due_at, start), _minutes(task.done_at, start), late))
    return timings


def volume_bars(figures: CrisisFigures) -> list[dict[str, Any]]:
    """Volume per hour as bars scaled to the busiest hour (drawn in CSS, so it prints)."""
    peak = max((n for _, n in figures.volume_by_hour), default=0)
    return [
        {"hour": hour, "count": n, "percent": round(100 * n / peak) if peak else 0}
        for hour, n in figures.volume_by_hour
    ]


def review_context(crisis: Crisis, now: datetime, *, reader: Any) -> dict[str, Any]:
    review = review_of(crisis)
    figures = visible_figures(crisis_figures(crisis.pk), reader)
    timings = task_timings(crisis, now)
    return {
        "crisis": crisis,
        "review": review,
        "review_open": is_open(crisis),
        "meetings": meetings(review),
        "action_items": action_items(review),
        "milestones": milestones(crisis),
        "timings": timings,
        "done_count": sum(1 for t in timings if t.task.done_at is not None),
        "figures": figures,
        "volume": volume_bars(figures),
        "hub_updates": list(crisis.hub_updates.select_related("posted_by").order_by("posted_at")),
    }
