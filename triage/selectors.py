"""Read-only views of the queue, shaped for pages, the API and websocket payloads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
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
from .models import UNANSWERED, Band, Mention, MentionStatus, Note, QueueSettings, Reply, ScenarioKeyword
from .reasons import explained
from .sla import Sla

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
        "quotes": m.quotes,
        "sentiment": m.sentiment,
        "author": {
            "handle": m.author_handle,
            "name": m.author_name,
            "followers": m.author_followers,
            "verified": m.author_verified,
            "bio": m.author_bio,
            "kind": m.author_kind,
        },
        "score": m.score,
        "breakdown": explained(m.breakdown),
        "band": m.band,
        "band_label": str(Band(m.band).label),
        "topic": m.topic,
        "tier": m.tier,
        "sla_due_at": m.sla_due_at.isoformat(),
        "queue_key": m.queue_key.isoformat(),
        "status": m.status,
        "claimed_by": m.claimed_by.get_username() if m.claimed_by_id and m.claimed_by else None,
        **_tags(m),
    }


def _tags(m: Mention) -> dict[str, list[str]]:
    # Only when read with the mention (with_tag_names): a payload never costs a query per
    # row, and a client keeps the tags it has when a delta carries none.
    names = getattr(m, "tag_names", None)
    return {"tags": names} if names is not None else {}


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


def open_queue() -> QuerySet[Mention]:
    """The ranked open queue; pass a slice of it through with_tag_names() before payloads."""
    return Mention.objects.filter(status__in=OPEN).select_related("claimed_by").order_by("queue_key")


class QueryError(ValueError):
    """A list or search parameter that cannot be used as given (the API answers 400 with it)."""


def search_terms(q: str) -> Q:
    """Text or handle; "@jane" looks at handles only, so the @ an agent types from habit still finds her."""
    q = q.strip()
    if "\x00" in q:
        raise QueryError(gettext("q must not contain NUL characters"))
    if q.startswith("@") and len(q) > 1:
        return Q(author_handle__icontains=q[1:])
    return Q(text__icontains=q) | Q(author_handle__icontains=q.lstrip("@"))


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


def queue_top(limit: int | None = None) -> list[dict[str, Any]]:
    limit = limit or settings.QUEUE_SNAPSHOT_SIZE
    return [mention_payload(m) for m in with_tag_names(open_queue()[:limit])]


def queue_stats(*, with_alerts: bool = False) -> dict[str, Any]:
    """The queue's counts for everyone; the recent alerts only when asked (leads: see alerts.py)."""
    now = timezone.now()
    window = timedelta(minutes=10)
    unanswered = Mention.objects.filter(status__in=UNANSWERED).aggregate(
        total=Count("id"),
        p1=Count("id", filter=Q(band=Band.P1)),
        breaches=Count("id", filter=Sla.breached(now)),
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


def mention_context(m: Mention) -> dict[str, Any]:
    """What the detail pane shows beside the mention: the author card, the thread, notes, replies."""

    earlier = (
        Mention.objects.filter(platform=m.platform, author_handle=m.author_handle)
        .exclude(pk=m.pk)
        .order_by("-created_at")[:5]
    )
    parent = (
        Mention.objects.filter(platform=m.platform, external_id=m.in_reply_to).first()
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
            "earlier_count": Mention.objects.filter(platform=m.platform, author_handle=m.author_handle)
            .exclude(pk=m.pk)
            .count(),
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
