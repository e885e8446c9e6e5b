"""Read-only views of the queue, shaped for pages, the API and websocket payloads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from playbooks.selectors import active_crisis, topic_keywords

from . import presence
from .alerts import recent_alerts as recent
from .capacity import Counts, capacity
from .lexicons import primary_language
from .models import (
    UNANSWERED,
    Band,
    Mention,
    MentionStatus,
    Note,
    QueueSettings,
    Reply,
    ScenarioKeyword,
    Tier,
)
from .reasons import explained
from .sla import Sla
from .tiers import Reach, visible_tiers, visible_to

OPEN = [MentionStatus.NEW, MentionStatus.CLAIMED, MentionStatus.REPLIED]


def scenario_keywords(crisis=None) -> dict[str, dict[str, tuple[str, ...]]]:
    """The active (or given) crisis's scenario keywords: {language ('' for any): {topic: words}}.

    The scenario's topic_keywords count for every language; its ScenarioKeyword rows for theirs.
    """
    crisis = crisis if crisis is not None else active_crisis()
    if crisis is None:
        return {}
    by_language: dict[str, dict[str, tuple[str, ...]]] = {
        "": {topic: tuple(words) for topic, words in topic_keywords(crisis).items()}
    }
    for row in ScenarioKeyword.objects.filter(scenario_id=crisis.scenario_id):
        lang = primary_language(row.language)
        topics = by_language.setdefault(lang, {})
        topics[row.topic] = topics.get(row.topic, ()) + tuple(row.word_list)
    return by_language


# The columns a payload is made of; triage.listing reads exactly these (plus the holder's
# name and the tag names) as rows, no Model instances.
PAYLOAD_COLUMNS = (
    "id", "platform", "external_id", "text", "url", "lang", "created_at", "ingested_at",
    "in_reply_to", "reshares", "replies", "quotes", "sentiment", "author_handle", "author_name",
    "author_followers", "author_verified", "author_bio", "author_kind", "score", "breakdown",
    "band", "topic", "tier", "sla_due_at", "queue_key", "status",
)  # fmt: skip


def mention_payload(m: Mention) -> dict[str, Any]:
    """The one shape of a mention for browsers: websocket snapshot, deltas and API."""
    row = {name: getattr(m, "pk" if name == "id" else name) for name in PAYLOAD_COLUMNS}
    row["holder"] = m.claimed_by.get_username() if m.claimed_by_id and m.claimed_by else None
    return row_payload(row, getattr(m, "tag_names", None))


TIMES = ("created_at", "ingested_at", "sla_due_at", "queue_key")


def _iso(value: datetime | str) -> str:
    """A time as the payload carries it; triage.listing reads it from PostgreSQL as that text."""
    return value if isinstance(value, str) else value.isoformat()


_BAND_LABELS = {band.value: band.label for band in Band}  # lazy: rendered in the reader's language


def band_labels() -> dict[int, str]:
    """Each band's label in the active language, for a page of rows to share."""
    return {value: str(label) for value, label in _BAND_LABELS.items()}


def row_payload(
    row: dict[str, Any],
    tags: list[str] | None = None,
    breakdown: list[dict[str, Any]] | None = None,
    labels: dict[int, str] | None = None,
) -> dict[str, Any]:
    """mention_payload() of a row of PAYLOAD_COLUMNS and "holder" (times as datetimes, or as their
    isoformat() text from triage.listing); `tags` when read
    with the mention (a client keeps the tags it has when a delta carries none), `breakdown`
    when already explained, `labels` (band_labels()) when a page of rows shares them."""
    payload = {
        "id": row["id"],
        "platform": row["platform"],
        "external_id": row["external_id"],
        "text": row["text"],
        "url": row["url"],
        "lang": row["lang"],
        "created_at": _iso(row["created_at"]),
        "ingested_at": _iso(row["ingested_at"]),
        "in_reply_to": row["in_reply_to"],
        "reshares": row["reshares"],
        "replies": row["replies"],
        "quotes": row["quotes"],
        "sentiment": row["sentiment"],
        "author": {
            "handle": row["author_handle"],
            "name": row["author_name"],
            "followers": row["author_followers"],
            "verified": row["author_verified"],
            "bio": row["author_bio"],
            "kind": row["author_kind"],
        },
        "score": row["score"],
        "breakdown": explained(row["breakdown"]) if breakdown is None else breakdown,
        "band": row["band"],
        "band_label": str((labels or _BAND_LABELS).get(row["band"], row["band"])),
        "topic": row["topic"],
        "tier": row["tier"],
        "sla_due_at": _iso(row["sla_due_at"]),
        "queue_key": _iso(row["queue_key"]),
        "status": row["status"],
        "claimed_by": row["holder"],
    }
    if tags is not None:
        payload["tags"] = tags
    return payload


def with_tag_names(mentions: Iterable[Mention]) -> list[Mention]:
    """The mentions, each with `tag_names`, in one query. prefetch_related("tags") builds a
    queryset per mention: 5 ms of a 50-row queue page (docs/benchmarks.md)."""
    mentions = list(mentions)
    names: dict[int, list[str]] = {m.pk: [] for m in mentions}
    links = Mention.tags.through.objects.filter(mention_id__in=names).values_list("mention_id", "tag__name")
    for mention_id, name in links:
        names[mention_id].append(name)
    for mention in mentions:
        mention.tag_names = sorted(names[mention.pk])
    return mentions


def fresh_payloads(ids: list[int]) -> list[dict[str, Any]]:
    """Mentions re-read after a change, as delta payloads (holder and tags included)."""
    return [
        mention_payload(m)
        for m in with_tag_names(Mention.objects.filter(pk__in=ids).select_related("claimed_by"))
    ]


def open_queue(reach: Reach = "all") -> QuerySet[Mention]:
    """The ranked open queue (of one tier's reach); pass a slice of it through with_tag_names()
    before payloads."""
    mentions = Mention.objects.filter(status__in=OPEN).select_related("claimed_by").order_by("queue_key")
    if reach == "none":
        return mentions.none()
    return mentions.filter(tier=Tier.FIRST_LINE) if reach == "first_line" else mentions


class QueryError(ValueError):
    """A list or search parameter that cannot be used as given (the API answers 400 with it)."""


def check_search(q: str) -> str:
    """A search as typed, trimmed (triage.listing matches it against text and handle)."""
    q = q.strip()
    if "\x00" in q:
        raise QueryError(gettext("q must not contain NUL characters"))
    return q


def parse_bands(raw: str) -> list[int]:
    """ "1", "1,2" or "0" (none): the bands a list is limited to."""
    try:
        bands = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise QueryError(
            gettext("band must be numbers from 1 to 4, separated by commas, not {value}").format(
                value=repr(raw[:20])
            )
        ) from None
    if any(b not in Band.values and b != 0 for b in bands):
        raise QueryError(gettext("band must be numbers from 1 to 4"))
    return bands


def queue_top(limit: int | None = None, reach: Reach = "all") -> list[dict[str, Any]]:
    limit = limit or settings.QUEUE_SNAPSHOT_SIZE
    return [mention_payload(m) for m in with_tag_names(open_queue(reach)[:limit])]


def queue_stats(*, reach: Reach = "all", with_alerts: bool = False) -> dict[str, Any]:
    """The queue's counts over what `reach` reads (a first-line page counts first-line items, as
    its live updates do); the agents at work are the whole team's. The recent alerts only when
    asked (leads: see alerts.py)."""
    now = timezone.now()
    window = timedelta(minutes=10)
    tiers = visible_tiers(reach)
    mentions = Mention.objects.all() if tiers is None else Mention.objects.filter(tier__in=tiers)
    unanswered = mentions.filter(status__in=UNANSWERED).aggregate(
        total=Count("id"),
        p1=Count("id", filter=Q(band=Band.P1)),
        breaches=Count("id", filter=Sla.breached(now)),
        oldest=Min("ingested_at"),
    )
    inflow = mentions.filter(ingested_at__gte=now - window).count()
    handled = (
        mentions.filter(Q(resolved_at__gte=now - window) | Q(reply_set__created_at__gte=now - window))
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
    online = presence.online_count()
    sla = Sla.configured().minutes(Band.P2)  # the capacity panel plans against the P2 window
    cap = capacity(
        Counts(
            inflow=inflow,
            handled=handled,
            backlog=unanswered["total"],
            agents=max(online, agents),
            window_minutes=10,
            sla_minutes=sla,
        )
    )
    return {
        "capacity": cap.as_dict(),
        "sla_minutes": sla,
        "agents_online": online,
        "alerts": recent_alerts() if with_alerts else [],
        "unanswered": unanswered["total"],
        "p1": unanswered["p1"],
        "breaches": unanswered["breaches"],
        "oldest_minutes": int((now - oldest).total_seconds() // 60) if oldest else None,
        "in_per_min": round(inflow / 10, 1),
        "out_per_min": round(per_minute_out, 1),
        "agents_active": agents,
        "clear_minutes": round(unanswered["total"] / per_minute_out) if per_minute_out else None,
    }


def recent_alerts(limit: int = 3) -> list[dict[str, Any]]:
    return recent(limit)


def mention_context(m: Mention, *, reader: Any) -> dict[str, Any]:
    """What the detail pane shows beside the mention: the author card, the thread, notes, replies.
    The author's other mentions and the thread's parent only as far as the reader's tier reaches
    (triage.tiers); the caller has checked the reader may see `m` itself."""

    same_author = visible_to(
        reader, Mention.objects.filter(platform=m.platform, author_handle=m.author_handle).exclude(pk=m.pk)
    )
    earlier = same_author.order_by("-created_at")[:5]
    parent = (
        visible_to(reader, Mention.objects.filter(platform=m.platform, external_id=m.in_reply_to)).first()
        if m.in_reply_to
        else None
    )
    pattern = QueueSettings.load().crm_url_pattern
    crm = ""
    if pattern:
        crm = (
            pattern.replace("{handle}", quote(m.author_handle))
            .replace("{platform}", quote(m.platform))
            .replace("{name}", quote(m.author_name))
        )
    return {
        "mention": mention_payload(m),
        "author": {
            "earlier_count": same_author.count(),
            "earlier": [
                {"id": e.pk, "text": e.text[:280], "created_at": e.created_at.isoformat(), "status": e.status}
                for e in earlier
            ],
        },
        "in_reply_to": (
            {"id": parent.pk, "handle": parent.author_handle, "text": parent.text, "url": parent.url}
            if parent
            else ({"external_id": m.in_reply_to} if m.in_reply_to else None)
        ),
        "crm_url": crm,
        "notes": [
            {
                "author": n.author.get_username() if n.author else "",
                "body": n.body,
                "created_at": n.created_at.isoformat(),
            }
            for n in Note.objects.filter(mention=m).select_related("author")
        ],
        "replies": [
            {
                "id": r.pk,
                "author": r.author.get_username() if r.author else "",
                "text": r.text,
                "status": r.status,
                "error": r.error,
                "variant": r.variant,
                "created_at": r.created_at.isoformat(),
            }
            for r in Reply.objects.filter(mention=m).select_related("author")
        ],
    }
