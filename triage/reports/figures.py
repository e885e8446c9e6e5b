"""Figures after the fact: per crisis and per period, for pages, CSV, the API and the review.

Plain functions over querysets. Reply time is the first reply's created_at minus the
mention's ingested_at (when we could first have seen it); failed replies do not count.
SLA is met when that first reply came before sla_due_at; dismissed mentions and mentions
resolved without a reply are left out of the SLA share, and so are unanswered mentions
whose SLA has not yet run out. Percentiles interpolate linearly (PostgreSQL's
percentile_cont), computed here over the few thousand replies a crisis has.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Lower, RowNumber, TruncDay, TruncHour
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from playbooks.models import AuditEntry, Crisis, Phase
from triage.models import Band, Mention, MentionStatus, Reply, ReplyStatus
from triage.sla import Sla

# Mentions with no crisis that arrive this long after a crisis closed still belong to its
# report: the aftermath peak comes days later (DESIGN.md, playbook rule 5).
AFTERMATH_WINDOW = timedelta(days=7)
TOP_MENTIONS = 10
HOURLY_LIMIT = timedelta(days=4)  # longer periods are charted per day
# A drill's replies count as answers in its own report: they were written, only never sent.
ANSWERING = (ReplyStatus.SENDING, ReplyStatus.SENT, ReplyStatus.DRILL)


@dataclass(frozen=True)
class PhaseMark:
    at: datetime
    label: str
    kind: str  # activated, aftermath, closed, peak


@dataclass(frozen=True)
class AgentFigures:
    username: str
    replied: int
    resolved: int
    reply_seconds_p50: float | None


@dataclass(frozen=True)
class CrisisFigures:
    total: int
    answered: int
    answered_share: float
    volume_by_hour: list[tuple[datetime, int]]
    reply_seconds_p50: float | None
    reply_seconds_p90: float | None
    sla_met_share: float | None
    topics: dict[str, int]
    top_mentions: list[Mention]
    # beyond the shape the review relies on
    start: datetime | None = None
    end: datetime | None = None
    reply_seconds_p99: float | None = None
    volume_by_day: list[tuple[datetime, int]] = field(default_factory=list)
    resolved: int = 0
    dismissed: int = 0
    unanswered: int = 0
    sla_met: int = 0
    sla_missed: int = 0
    bands: dict[int, int] = field(default_factory=dict)
    platforms: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] | None = None  # None when there is no tag model yet
    agents: list[AgentFigures] = field(default_factory=list)
    marks: list[PhaseMark] = field(default_factory=list)
    crisis_id: int | None = None
    title: str = ""

    @property
    def hourly(self) -> bool:
        return self.start is None or self.end is None or self.end - self.start <= HOURLY_LIMIT

    @property
    def volume(self) -> list[tuple[datetime, int]]:
        """The series to chart: per hour for short periods, per day for long ones."""
        return self.volume_by_hour if self.hourly else self.volume_by_day

    @property
    def aftermath_peak(self) -> PhaseMark | None:
        return next((m for m in self.marks if m.kind == "peak"), None)


# A period report has the same figures, without a crisis.
PeriodFigures = CrisisFigures


# --- pure helpers ------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def filled(counts: dict[datetime, int], start: datetime, end: datetime, step: timedelta) -> list:
    """Every bucket from start to end, zero where nothing came in, so gaps show as gaps."""
    series, at = [], start
    while at < end:
        series.append((at, counts.get(at, 0)))
        at += step
    return series


def floor_hour(at: datetime) -> datetime:
    return timezone.localtime(at).replace(minute=0, second=0, microsecond=0)


def floor_day(at: datetime) -> datetime:
    return floor_hour(at).replace(hour=0)


# --- queries ----------------------------------------------------------------------
def crisis_mentions(crisis: Crisis) -> QuerySet[Mention]:
    """The crisis's mentions, and those with no crisis in the aftermath window after it closed."""
    belongs = Q(crisis_id=crisis.pk)
    if crisis.ended_at:
        belongs |= Q(
            crisis__isnull=True,
            ingested_at__gte=crisis.ended_at,
            ingested_at__lt=crisis.ended_at + AFTERMATH_WINDOW,
        )
    return Mention.objects.filter(belongs)


def _first_replies(mentions: QuerySet[Mention]) -> list[dict[str, Any]]:
    return list(
        Reply.objects.filter(mention__in=mentions, status__in=ANSWERING)
        .order_by("mention_id", "created_at")
        .distinct("mention_id")
        .values("mention_id", "created_at", "author__username", "mention__ingested_at", "mention__sla_due_at")
    )


def _counts(mentions: QuerySet[Mention], column: str) -> dict[Any, int]:
    rows = mentions.values(column).annotate(n=Count("id")).order_by("-n", column)
    return {row[column]: row["n"] for row in rows}


def _tag_counts(mentions: QuerySet[Mention]) -> dict[str, int] | None:
    """Tags per mention, once triage's Tag model (a `tags` relation on Mention) exists."""
    try:
        tags = Mention._meta.get_field("tags")
    except FieldDoesNotExist:  # no Tag model in this build yet
        return None
    name = "name" if any(f.name == "name" for f in tags.related_model._meta.fields) else "pk"
    rows = (
        mentions.filter(tags__isnull=False)
        .values(f"tags__{name}")
        .annotate(n=Count("id"))
        .order_by("-n", f"tags__{name}")
    )
    return {str(row[f"tags__{name}"]): row["n"] for row in rows}


def _volume(mentions: QuerySet[Mention], trunc, start: datetime, end: datetime, step: timedelta) -> list:
    rows = mentions.annotate(bucket=trunc("ingested_at")).values("bucket").annotate(n=Count("id"))
    counts = {timezone.localtime(row["bucket"]): row["n"] for row in rows}
    return filled(counts, start, end, step)


def _most_influential(mentions: QuerySet[Mention]) -> list[Mention]:
    """By reach, then reshares; at most two per author, so one big account does not fill the list."""
    # pk last: ties (one author's mentions of one batch) rank the same on every read.
    order = [F("author_followers").desc(), F("reshares").desc(), F("ingested_at").asc(), F("pk").asc()]
    ranked = mentions.annotate(
        author_rank=Window(RowNumber(), partition_by=[Lower("author_handle")], order_by=order)
    )
    return list(
        ranked.filter(author_rank__lte=2).select_related("claimed_by").order_by(*order)[:TOP_MENTIONS]
    )


def _agents(mentions: QuerySet[Mention], first: list[dict[str, Any]]) -> list[AgentFigures]:
    replied = dict(
        Reply.objects.filter(mention__in=mentions, status__in=ANSWERING, author__isnull=False)
        .values_list("author__username")
        .annotate(n=Count("mention_id", distinct=True))
    )
    resolved = dict(
        mentions.filter(resolved_by__isnull=False)
        .values_list("resolved_by__username")
        .annotate(n=Count("id"))
    )
    seconds: dict[str, list[float]] = defaultdict(list)
    for row in first:
        if row["author__username"]:
            seconds[row["author__username"]].append(
                (row["created_at"] - row["mention__ingested_at"]).total_seconds()
            )
    names = sorted(set(replied) | set(resolved), key=lambda n: (-replied.get(n, 0), n))
    return [
        AgentFigures(n, replied.get(n, 0), resolved.get(n, 0), percentile(seconds.get(n, []), 0.5))
        for n in names
    ]


def figures(
    mentions: QuerySet[Mention], start: datetime, end: datetime, *, marks: Iterable[PhaseMark] = ()
) -> CrisisFigures:
    """Every figure of the report over `mentions`, charted from start to end."""
    now = timezone.now()
    start, end = floor_hour(start), floor_hour(end - timedelta(microseconds=1)) + timedelta(hours=1)
    statuses = _counts(mentions, "status")
    total = sum(statuses.values())
    first = _first_replies(mentions)
    seconds = [(r["created_at"] - r["mention__ingested_at"]).total_seconds() for r in first]
    met = sum(1 for r in first if Sla.met(r["created_at"], r["mention__sla_due_at"]))
    answered_late = len(first) - met
    # unanswered: not closed and no reply that went out (a failed reply leaves it unanswered)
    waiting = mentions.exclude(status__in=[MentionStatus.RESOLVED, MentionStatus.DISMISSED]).exclude(
        pk__in=Reply.objects.filter(status__in=ANSWERING).values("mention_id")
    )
    unanswered = waiting.count()
    overdue = waiting.filter(sla_due_at__lt=now).count()  # waiting: unanswered by this report's rule
    by_hour = _volume(mentions, TruncHour, start, end, timedelta(hours=1))
    day_start = floor_day(start)
    day_end = max(end, day_start + timedelta(days=1))
    by_day = _volume(mentions, TruncDay, day_start, day_end, timedelta(days=1))
    top = _most_influential(mentions)
    return CrisisFigures(
        total=total,
        answered=len(first),
        answered_share=share(len(first), total) or 0.0,
        volume_by_hour=by_hour,
        reply_seconds_p50=percentile(seconds, 0.5),
        reply_seconds_p90=percentile(seconds, 0.9),
        reply_seconds_p99=percentile(seconds, 0.99),
        sla_met_share=share(met, met + answered_late + overdue),
        sla_met=met,
        sla_missed=answered_late + overdue,
        topics=_counts(mentions, "topic"),
        bands={Band(b).value: n for b, n in sorted(_counts(mentions, "band").items())},
        platforms=_counts(mentions, "platform"),
        tags=_tag_counts(mentions),
        top_mentions=top,
        start=start,
        end=end,
        volume_by_day=by_day,
        resolved=statuses.get(MentionStatus.RESOLVED, 0),
        dismissed=statuses.get(MentionStatus.DISMISSED, 0),
        unanswered=unanswered,
        agents=_agents(mentions, first),
        marks=list(marks),
    )


# --- crisis phases ------------------------------------------------------------------
def _phase_marks(crisis: Crisis) -> list[PhaseMark]:
    """Activation, aftermath and close, from the crisis row and its audit trail."""
    marks = [PhaseMark(crisis.activated_at, "Activated", "activated")]
    aftermath = getattr(crisis, "aftermath_at", None) or getattr(crisis, "aftermath_started_at", None)
    closed = crisis.ended_at
    for entry in AuditEntry.objects.filter(crisis=crisis).order_by("at", "id"):
        after = entry.details.get("after") if isinstance(entry.details, dict) else None
        phase = after.get("phase") if isinstance(after, dict) else after
        if (phase == Phase.AFTERMATH or entry.kind == "aftermath") and aftermath is None:
            aftermath = entry.at
        elif phase == Phase.CLOSED and closed is None:
            closed = entry.at
    if aftermath:
        marks.append(PhaseMark(aftermath, "Aftermath", "aftermath"))
    if closed:
        marks.append(PhaseMark(closed, "Closed", "closed"))
    return sorted(marks, key=lambda m: m.at)


def _with_aftermath_peak(fig: CrisisFigures, marks: list[PhaseMark]) -> list[PhaseMark]:
    """Mark the busiest bucket from the aftermath (or the close) on: the peak that comes later."""
    since = next((m.at for m in marks if m.kind == "aftermath"), None) or next(
        (m.at for m in marks if m.kind == "closed"), None
    )
    if since is None:
        return marks
    step = timedelta(hours=1) if fig.hourly else timedelta(days=1)
    later = [(at, n) for at, n in fig.volume if at + step > since and n]
    if not later:
        return marks
    at, n = max(later, key=lambda p: (p[1], -p[0].timestamp()))
    return sorted([*marks, PhaseMark(at, f"Aftermath peak: {n}", "peak")], key=lambda m: m.at)


def crisis_figures(crisis_id: int) -> CrisisFigures:
    """The report of one crisis, from activation to the end of its aftermath (or now)."""
    crisis = Crisis.objects.get(pk=crisis_id)
    mentions = crisis_mentions(crisis)
    marks = _phase_marks(crisis)
    last = mentions.order_by("-ingested_at").values_list("ingested_at", flat=True).first()
    first = mentions.order_by("ingested_at").values_list("ingested_at", flat=True).first()
    start = min(crisis.activated_at, first or crisis.activated_at)
    end = max(filter(None, [last, crisis.ended_at, None if crisis.ended_at else timezone.now()]))
    fig = figures(mentions, start, end + timedelta(seconds=1), marks=marks)
    return replace(fig, marks=_with_aftermath_peak(fig, marks), crisis_id=crisis.pk, title=str(crisis))


def period_figures(start: datetime, end: datetime) -> CrisisFigures:
    """Every mention ingested in [start, end), whatever crisis it belonged to."""
    mentions = Mention.objects.filter(ingested_at__gte=start, ingested_at__lt=end)
    overlapping = Q(activated_at__lt=end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    crises = Crisis.objects.filter(overlapping)
    marks = []
    for crisis in crises:
        marks += [m for m in _phase_marks(crisis) if start <= m.at < end]
    return replace(figures(mentions, start, end, marks=sorted(marks, key=lambda m: m.at)), title="")


class PeriodError(ValueError):
    """A from/to that makes no report; the message says why, for a 400 or a form error."""


MAX_PERIOD = timedelta(days=366)
DEFAULT_PERIOD = timedelta(days=7)


EARLIEST_REPORT = datetime(2000, 1, 1, tzinfo=UTC)


def _bound(raw: str, name: str, *, end: bool) -> datetime:
    try:  # parse_datetime takes a bare date as midnight: look for a date first
        day = parse_date(raw)
        at = None if day else parse_datetime(raw)
    except ValueError:
        at = day = None
    if at is None and day is None:
        raise PeriodError(
            gettext("{name} must be a date (2026-11-23) or a date and time in ISO 8601, not {value}").format(
                name=name, value=repr(raw)
            )
        )
    latest = timezone.now() + timedelta(days=366)
    try:
        if at is None:
            at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            if end:  # a date as "to" means the whole of that day
                at += timedelta(days=1)
        # UTC: PostgreSQL refuses offsets past 15:59 that Python accepts
        at = (at if timezone.is_aware(at) else timezone.make_aware(at)).astimezone(UTC)
    except (OverflowError, ValueError):
        at = None
    if at is None or not EARLIEST_REPORT <= at <= latest:
        raise PeriodError(
            f"{name} must be between {EARLIEST_REPORT.date().isoformat()} and {latest.date().isoformat()}"
        )
    return at


def parse_period(
    raw_from: str | None, raw_to: str | None, *, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """[start, end) from the from/to parameters; the last 7 days when both are missing."""
    now = now or timezone.now()
    end = _bound(raw_to, "to", end=True) if raw_to else now
    start = _bound(raw_from, "from", end=False) if raw_from else end - DEFAULT_PERIOD
    if start >= end:
        raise PeriodError(gettext("from must be before to"))
    if end - start > MAX_PERIOD:
        raise PeriodError(gettext("a report covers at most 366 days; choose a shorter period"))
    return start, end
