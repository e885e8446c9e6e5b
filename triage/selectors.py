"""Read-only views of the queue, shaped for pages, the API and websocket payloads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from .models import Band, Mention, MentionStatus

OPEN = [MentionStatus.NEW, MentionStatus.CLAIMED, MentionStatus.REPLIED]
UNANSWERED = [MentionStatus.NEW, MentionStatus.CLAIMED]


def mention_payload(m: Mention) -> dict[str, Any]:
    """The one shape of a mention for browsers: websocket snapshot, deltas and API."""
    return {
        "id": m.pk,
        "platform": m.platform,
        "external_id": m.external_id,
        "text": m.text,
        "url": m.url,
        "lang": m.lang,
        "created_at": m.created_at.isoformat(),
        "ingested_at": m.ingested_at.isoformat(),
        "in_reply_to": m.in_reply_to,
        "reshares": m.reshares,
        "replies": m.replies,
        "author": {
            "handle": m.author_handle,
            "name": m.author_name,
            "followers": m.author_followers,
            "verified": m.author_verified,
            "bio": m.author_bio,
            "kind": m.author_kind,
        },
        "score": m.score,
        "breakdown": m.breakdown,
        "band": m.band,
        "band_label": Band(m.band).label,
        "topic": m.topic,
        "tier": m.tier,
        "sla_due_at": m.sla_due_at.isoformat(),
        "queue_key": m.queue_key.isoformat(),
        "status": m.status,
        "claimed_by": m.claimed_by.get_username() if m.claimed_by_id and m.claimed_by else None,
    }


def open_queue() -> QuerySet[Mention]:
    return Mention.objects.filter(status__in=OPEN).select_related("claimed_by").order_by("queue_key")


def queue_top(limit: int | None = None) -> list[dict[str, Any]]:
    limit = limit or settings.QUEUE_SNAPSHOT_SIZE
    return [mention_payload(m) for m in open_queue()[:limit]]


def queue_stats() -> dict[str, Any]:
    now = timezone.now()
    window = timedelta(minutes=10)
    unanswered = Mention.objects.filter(status__in=UNANSWERED).aggregate(
        total=Count("id"),
        p1=Count("id", filter=Q(band=Band.P1)),
        breaches=Count("id", filter=Q(sla_due_at__lt=now)),
        oldest=Min("ingested_at"),
    )
    inflow = Mention.objects.filter(ingested_at__gte=now - window).count()
    handled = (
        Mention.objects.filter(Q(resolved_at__gte=now - window) | Q(reply_set__created_at__gte=now - window))
        .distinct()
        .count()
    )
    agents = (
        Mention.objects.filter(claimed_at__gte=now - timedelta(minutes=30))
        .values("claimed_by")
        .distinct()
        .count()
    )
    oldest = unanswered["oldest"]
    per_minute_out = handled / 10
    return {
        "unanswered": unanswered["total"],
        "p1": unanswered["p1"],
        "breaches": unanswered["breaches"],
        "oldest_minutes": int((now - oldest).total_seconds() // 60) if oldest else None,
        "in_per_min": round(inflow / 10, 1),
        "out_per_min": round(per_minute_out, 1),
        "agents_active": agents,
        "clear_minutes": round(unanswered["total"] / per_minute_out) if per_minute_out else None,
    }
