"""Figures of one crisis for its review.

The smallest honest version of the `reports` seam (DESIGN brief): the `reports`
branch owns the full module; this one keeps exactly the agreed shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count

from .models import Mention, ReplyStatus

TOP_MENTIONS = 5


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
    top_mentions: list[Mention] = field(default_factory=list)


# A mention is answered by its first reply that did not fail; reply time runs from
# arrival (ingested_at), and the SLA is met when that reply came before sla_due_at.
_REPLY_SQL = """
WITH first_reply AS (
    SELECT m.id, m.ingested_at, m.sla_due_at, MIN(r.created_at) AS replied_at
    FROM triage_mention m
    LEFT JOIN triage_reply r ON r.mention_id = m.id AND r.status <> %s
    WHERE m.crisis_id = %s
    GROUP BY m.id
)
SELECT
    COUNT(*),
    COUNT(replied_at),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM replied_at - ingested_at)),
    percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM replied_at - ingested_at)),
    COUNT(*) FILTER (WHERE replied_at IS NOT NULL OR sla_due_at < now()),
    COUNT(*) FILTER (WHERE replied_at <= sla_due_at)
FROM first_reply
"""

_VOLUME_SQL = """
SELECT date_trunc('hour', ingested_at) AS hour, COUNT(*)
FROM triage_mention WHERE crisis_id = %s GROUP BY hour ORDER BY hour
"""


def crisis_figures(crisis_id: int) -> CrisisFigures:
    with connection.cursor() as cursor:
        cursor.execute(_REPLY_SQL, [ReplyStatus.FAILED.value, crisis_id])
        total, answered, p50, p90, sla_due, sla_met = cursor.fetchone()
        cursor.execute(_VOLUME_SQL, [crisis_id])
        volume = [(hour, count) for hour, count in cursor.fetchall()]
    mentions = Mention.objects.filter(crisis_id=crisis_id)
    topics = dict(mentions.values_list("topic").annotate(n=Count("id")).order_by("-n"))
    top = list(mentions.order_by("-author_followers", "-reshares", "-score")[:TOP_MENTIONS])
    return CrisisFigures(
        total=total,
        answered=answered,
        answered_share=answered / total if total else 0.0,
        volume_by_hour=volume,
        reply_seconds_p50=float(p50) if p50 is not None else None,
        reply_seconds_p90=float(p90) if p90 is not None else None,
        sla_met_share=sla_met / sla_due if sla_due else None,
        topics=topics,
        top_mentions=top,
    )
