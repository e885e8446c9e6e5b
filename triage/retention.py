"""Personal data in mentions: kept RETENTION_DAYS, then anonymised; found and erased on request.

Anonymised, not deleted: a mention's row stays with everything the figures read (platform,
times, score, band, topic, tier, status, who claimed and resolved it, followers, reshares,
tags, its replies' times and states), so each crisis's report and review read the same after
the purge. What identifies the person goes:

- text, url, display name, bio, the post's id and what it replied to, the score reasons
  (they quote words of the text); the notes agents wrote on it and the text of our replies
  (they name the person);
- the handle becomes a keyed hash (`anon-` + 16 hex): the same author stays the same author
  within the figures (the report lists at most two mentions per author), and without
  RETENTION_KEY nobody can tell whose it was;
- the raw batch it came in has its items emptied once processed.

Every step is a batch of at most `batch_size` rows in its own short transaction, taken with
FOR UPDATE SKIP LOCKED in `ingested_at` order: ingest and agents are never blocked for
long, and two runs at once (beat on every node) share the work instead of repeating it.
Anonymising rewrites every index entry of a row, which slows the queue's reads while it runs
(docs/benchmarks.md, "Retention"): so the scheduled purge waits while a real crisis is on;
it is never urgent, the queue on that day is. RETENTION_BATCH_PAUSE spaces the batches out
(off by default: measured, it did not help the queue).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from playbooks.selectors import crisis_mode_on

from .models import BatchStatus, Mention, MentionBatch, Note, Reply, WatchedAuthor

logger = logging.getLogger(__name__)

PSEUDONYM_PREFIX = "anon-"


def _key() -> str:
    # Derived, so that the SECRET_KEY itself never reaches a SQL statement or a log.
    return hmac.new(settings.RETENTION_KEY.encode(), b"crisiscenter.retention", hashlib.sha256).hexdigest()


def pseudonym(platform: str, handle: str) -> str:
    """The handle an anonymised mention keeps (the same value the SQL below computes)."""
    digest = hashlib.md5(f"{_key()}:{platform}:{handle.lower()}".encode(), usedforsecurity=False)
    return PSEUDONYM_PREFIX + digest.hexdigest()[:16]


# One statement per batch: pick the rows (skipping any a concurrent run holds), scrub them,
# return their ids for the notes, replies and batches that hang off them.
_ANONYMISE = """
WITH picked AS (
    SELECT id FROM triage_mention
    WHERE anonymised_at IS NULL AND {where}
    ORDER BY ingested_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE triage_mention m SET
    text = '',
    url = '',
    author_name = '',
    author_bio = '',
    in_reply_to = '',
    external_id = 'anon-' || m.id,
    author_handle = 'anon-'
        || substr(md5(%(key)s || ':' || m.platform || ':' || lower(m.author_handle)), 1, 16),
    breakdown = COALESCE(
        (SELECT jsonb_agg(item - 'reason') FROM jsonb_array_elements(m.breakdown) AS item), '[]'::jsonb
    ),
    anonymised_at = %(now)s
FROM picked
WHERE m.id = picked.id
RETURNING m.id, m.batch_id
"""


def _anonymise_batch(where: str, params: dict[str, Any], limit: int) -> int:
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_ANONYMISE.format(where=where), {**params, "limit": limit, "key": _key(), "now": now})
        rows = cur.fetchall()
        if not rows:
            return 0
        ids = [row[0] for row in rows]
        Note.objects.filter(mention_id__in=ids).update(body="")
        Reply.objects.filter(mention_id__in=ids).update(text="")
        batch_ids = {row[1] for row in rows if row[1] is not None}
        MentionBatch.objects.filter(pk__in=batch_ids).exclude(status=BatchStatus.PENDING).exclude(
            items=[]
        ).update(items=[])
    return len(ids)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    anonymised: int
    batches_emptied: int
    complete: bool  # False when max_batches ran out first: the next run goes on
    deferred: bool = False  # a real crisis is on: nothing done, the next run after it catches up


def purge_expired(
    *,
    now: datetime | None = None,
    days: int | None = None,
    batch_size: int | None = None,
    max_batches: int = 200,
    pause: float | None = None,
    during_crisis: bool = False,
) -> PurgeResult:
    """Anonymise every mention ingested more than `days` ago (RETENTION_DAYS), a batch at a time,
    `pause` seconds apart (RETENTION_BATCH_PAUSE). Deferred while a real crisis is on."""
    days = settings.RETENTION_DAYS if days is None else days
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    pause = settings.RETENTION_BATCH_PAUSE if pause is None else pause
    cutoff = (now or timezone.now()) - timedelta(days=days)
    if not during_crisis and crisis_mode_on():
        logger.info("retention: deferred while a crisis is on")
        return PurgeResult(cutoff, 0, 0, complete=False, deferred=True)
    total, complete = 0, False
    for _ in range(max_batches):
        done = _anonymise_batch("ingested_at < %(cutoff)s", {"cutoff": cutoff}, batch_size)
        total += done
        if done < batch_size:
            complete = True
            break
        if pause:
            time.sleep(pause)
    # Raw batches older than the cutoff hold the same data, processed or failed for good.
    emptied = (
        MentionBatch.objects.filter(received_at__lt=cutoff)
        .exclude(status=BatchStatus.PENDING)
        .exclude(items=[])
        .update(items=[])
    )
    if total or emptied:
        logger.info(
            "retention: %s mentions anonymised and %s raw batches emptied (ingested before %s)%s",
            total,
            emptied,
            cutoff.isoformat(),
            "" if complete else "; more left for the next run",
        )
    return PurgeResult(cutoff, total, emptied, complete)


# --- one person: subject-access and erasure requests ------------------------------------------
def _person(platform: str, handle: str) -> Q:
    return Q(platform=platform, author_handle__iexact=handle.lstrip("@"))


def person_data(*, platform: str, handle: str) -> dict[str, Any]:
    """Everything held about one author on one platform, as JSON-ready data (an access request)."""
    mentions = (
        Mention.objects.filter(_person(platform, handle))
        .order_by("ingested_at", "pk")
        .prefetch_related("tags", "notes", "reply_set")
        .select_related("crisis")
    )
    watched = WatchedAuthor.objects.filter(
        Q(platform=platform) | Q(platform=""), handle__iexact=handle.lstrip("@")
    )
    return {
        "platform": platform,
        "handle": handle.lstrip("@"),
        "exported_at": timezone.now().isoformat(),
        "watchlist": [{"kind": w.kind, "note": w.note} for w in watched],
        "mentions": [_mention_record(m) for m in mentions],
    }


def _mention_record(m: Mention) -> dict[str, Any]:
    return {
        "external_id": m.external_id,
        "url": m.url,
        "text": m.text,
        "created_at": m.created_at.isoformat(),
        "ingested_at": m.ingested_at.isoformat(),
        "lang": m.lang,
        "in_reply_to": m.in_reply_to,
        "author": {
            "handle": m.author_handle,
            "name": m.author_name,
            "bio": m.author_bio,
            "followers": m.author_followers,
            "verified": m.author_verified,
            "kind": m.author_kind,
        },
        "reshares": m.reshares,
        "replies_count": m.replies,
        "score": m.score,
        "score_breakdown": m.breakdown,
        "band": m.band,
        "topic": m.topic,
        "status": m.status,
        "crisis": str(m.crisis) if m.crisis else None,
        "tags": [t.name for t in m.tags.all()],
        "notes": [{"at": n.created_at.isoformat(), "body": n.body} for n in m.notes.all()],
        "our_replies": [
            {"at": r.created_at.isoformat(), "text": r.text, "status": r.status} for r in m.reply_set.all()
        ],
    }


@dataclass(frozen=True)
class ErasureResult:
    mentions: int
    watchlist: int


def erase_person(*, platform: str, handle: str, batch_size: int = 1000) -> ErasureResult:
    """Anonymise every mention of one author now, whatever its age (an erasure request)."""
    handle = handle.lstrip("@")
    # One look-up (handles match case-insensitively), then the rows by id, a batch at a time.
    ids = list(
        Mention.objects.filter(_person(platform, handle), anonymised_at=None)
        .order_by("ingested_at")
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        total += _anonymise_batch("id = ANY(%(ids)s)", {"ids": chunk}, len(chunk))
    watched, _ = WatchedAuthor.objects.filter(
        Q(platform=platform) | Q(platform=""), handle__iexact=handle
    ).delete()
    logger.info(
        "erasure: %s mentions of a %s author anonymised, %s watchlist rows deleted", total, platform, watched
    )
    return ErasureResult(total, watched)
