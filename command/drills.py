"""Drills: the demo mention stream tagged to a drill, and the drill report."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from playbooks.models import AuditEntry, AuditKind, Crisis, OrganisationState
from triage.ingest import accept_batch
from triage.models import Mention
from triage.simulation import make_mention

STREAM_CHUNK_SECONDS = 60  # one task runs at most this long, then queues the rest (task time limits)
MAX_STREAM_SECONDS = 2 * 60 * 60


def stream_source(crisis_id: int) -> str:
    return f"drill:{crisis_id}"


def _still_running(crisis_id: int) -> bool:
    return OrganisationState.objects.filter(
        pk=1, active_crisis_id=crisis_id, active_crisis__is_drill=True
    ).exists()


def play_stream(crisis_id: int, seconds: float, *, rate: float = 1.0, sleep=time.sleep) -> tuple[int, float]:
    """Feed demo mentions for up to `seconds` (and one chunk at most) while the drill is on.

    Returns (mentions sent, seconds still to play). Stops at once when the drill ends.
    """
    crisis = Crisis.objects.filter(pk=crisis_id, is_drill=True).first()
    if crisis is None:
        return 0, 0.0
    rng = random.Random()
    started = time.monotonic()
    budget = min(seconds, STREAM_CHUNK_SECONDS)
    sent = 0
    while time.monotonic() - started < budget and _still_running(crisis_id):
        elapsed = (timezone.now() - crisis.activated_at).total_seconds() / 60 * 30  # 30 story min per min
        size = max(1, round(rng.expovariate(1 / rate)))
        accept_batch([make_mention(rng, elapsed) for _ in range(size)], source=stream_source(crisis_id))
        sent += size
        sleep(1.0)
    left = max(0.0, seconds - (time.monotonic() - started))
    return sent, left if _still_running(crisis_id) else 0.0


def clock(seconds: float | None) -> str:
    """Elapsed time as the drill report shows it: 4:05, 1:02:03, or a dash."""
    if seconds is None:
        return "—"
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@dataclass(frozen=True)
class ItemTiming:
    title: str
    department: str
    due_seconds: float | None
    done_seconds: float | None
    done_by: str
    late: bool

    @property
    def due_label(self) -> str:
        return clock(self.due_seconds)

    @property
    def done_label(self) -> str:
        return clock(self.done_seconds) if self.done_seconds is not None else "not done"


@dataclass(frozen=True)
class DrillReport:
    crisis: Crisis
    switch_seconds: float | None  # from opening the switch page to crisis mode committed
    first_hub_update_seconds: float | None
    items: list[ItemTiming]
    done: int
    total: int
    queue_by_status: dict[str, int]
    stream_mentions: int
    ended_at: datetime | None
    # The real crisis whose activation ended this drill, if one did (a real crisis always wins).
    ended_by_real: Crisis | None = None

    @property
    def first_hub_update_label(self) -> str:
        return clock(self.first_hub_update_seconds)


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def drill_report(crisis: Crisis) -> DrillReport:
    start = crisis.activated_at
    end = crisis.ended_at or timezone.now()
    first_update = crisis.hub_updates.order_by("posted_at").values_list("posted_at", flat=True).first()
    items = [
        ItemTiming(
            title=t.title,
            department=t.department_label,
            due_seconds=_seconds(start, t.due_at),
            done_seconds=_seconds(start, t.done_at),
            done_by=(t.done_by.get_username() if t.done_by else ("automated" if t.done_at else "")),
            late=bool(t.due_at and (t.done_at or end) > t.due_at),
        )
        for t in crisis.tasks.select_related("done_by", "department")
    ]
    window = Mention.objects.filter(ingested_at__gte=start, ingested_at__lte=end + timedelta(seconds=1))
    by_status = dict(window.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return DrillReport(
        crisis=crisis,
        switch_seconds=(
            round((start - crisis.switch_opened_at).total_seconds(), 1) if crisis.switch_opened_at else None
        ),
        first_hub_update_seconds=_seconds(start, first_update),
        items=items,
        done=sum(1 for i in items if i.done_seconds is not None),
        total=len(items),
        queue_by_status=by_status,
        stream_mentions=window.filter(batch__source=stream_source(crisis.pk)).count(),
        ended_at=crisis.ended_at,
        ended_by_real=ended_by_real_activation(crisis),
    )


def ended_by_real_activation(drill: Crisis) -> Crisis | None:
    """The real crisis that ended this drill, from its activation's audit entry."""
    entry = (
        AuditEntry.objects.filter(kind=AuditKind.ACTIVATED, details__ended_drill=drill.pk)
        .select_related("crisis")
        .first()
    )
    return entry.crisis if entry else None
