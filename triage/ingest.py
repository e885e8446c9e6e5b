"""Mentions in: validate a batch, store it raw, then normalise, score and store it.

accept_batch() is what the API, connectors and commands call; it writes the raw
batch first so nothing accepted is ever lost, and queues process_batch() after
commit. process_batch() does one insert and one broadcast for the whole batch.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import events, metrics
from core.logs import log_context
from playbooks.selectors import active_crisis_id, topic_keywords
from social.models import Platform
from social.selectors import brand_handles

from . import bulk
from .models import BatchStatus, Mention, MentionBatch, QueueSettings, WatchedAuthor
from .scoring import MentionSignals, ScoringRules, queue_key_offset, score_mention
from .selectors import mention_payload
from .sla import Sla

logger = logging.getLogger(__name__)

PLATFORMS = {choice.value for choice in Platform}


class IngestError(ValueError):
    """A batch that cannot be accepted; `problems` maps item index to field errors."""

    def __init__(self, message: str, problems: dict[int, dict[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


@dataclass(frozen=True)
class NormalisedMention:
    platform: str
    external_id: str
    text: str
    created_at: datetime
    author_handle: str
    author_followers: int
    author_name: str = ""
    author_verified: bool = False
    author_bio: str = ""
    url: str = ""
    lang: str = ""
    reshares: int = 0
    replies: int = 0
    quotes: int = 0
    in_reply_to: str = ""


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    stored: int
    duplicates: int


def _text(item: dict, key: str, problems: dict[str, str], *, required: bool, limit: int) -> str:
    value = item.get(key)
    if value is None:
        if required:
            problems[key] = "is required"
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and key in ("external_id", "in_reply_to"):
        value = str(value)
    if not isinstance(value, str):
        problems[key] = "must be a string"
        return ""
    if required and not value.strip() and key != "text":
        problems[key] = "must not be empty"
    if len(value) > limit:
        problems[key] = f"is longer than {limit} characters"
    return value


def _count(item: dict, key: str, problems: dict[str, str], *, required: bool = False) -> int:
    value = item.get(key)
    if value is None:
        if required:
            problems[key] = "is required"
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems[key] = "must be a whole number, 0 or more"
        return 0
    return value


def _created_at(item: dict, problems: dict[str, str]) -> datetime:
    raw = item.get("created_at")
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    if parsed is None:
        problems["created_at"] = "is required as an ISO 8601 date and time"
        return timezone.now()
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def normalise(item: Any) -> tuple[NormalisedMention | None, dict[str, str]]:
    """One item of the API contract (DESIGN.md) as a mention, or the problems with it."""
    if not isinstance(item, dict):
        return None, {"item": "must be a JSON object"}
    problems: dict[str, str] = {}
    platform = _text(item, "platform", problems, required=True, limit=20)
    if platform and "platform" not in problems and platform not in PLATFORMS:
        problems["platform"] = (
            f"unknown platform {platform!r}; expected one of {', '.join(sorted(PLATFORMS))}"
        )
    author = item.get("author")
    if not isinstance(author, dict):
        problems["author"] = "is required as an object with handle and followers"
        author = {}
    author_problems: dict[str, str] = {}
    mention = NormalisedMention(
        platform=platform,
        external_id=_text(item, "external_id", problems, required=True, limit=200),
        text=_text(item, "text", problems, required=True, limit=20_000),
        created_at=_created_at(item, problems),
        author_handle=_text(author, "handle", author_problems, required=True, limit=100).lstrip("@"),
        author_followers=_count(author, "followers", author_problems, required=True),
        author_name=_text(author, "name", author_problems, required=False, limit=200),
        author_verified=bool(author.get("verified", False)),
        author_bio=_text(author, "bio", author_problems, required=False, limit=2000),
        url=_text(item, "url", problems, required=False, limit=500),
        lang=_text(item, "lang", problems, required=False, limit=16),
        reshares=_count(item, "reshares", problems),
        replies=_count(item, "replies", problems),
        quotes=_count(item, "quotes", problems),
        in_reply_to=_text(item, "in_reply_to", problems, required=False, limit=200),
    )
    if mention.url and not mention.url.startswith(("https://", "http://")):
        problems["url"] = "must be an http(s) URL"
    if isinstance(item.get("author"), dict):
        problems.update({f"author.{key}": msg for key, msg in author_problems.items()})
    return (None, problems) if problems else (mention, {})


def validate_batch(items: Any) -> list[NormalisedMention]:
    if not isinstance(items, list):
        raise IngestError("expected a JSON list of mentions")
    if not items:
        raise IngestError("the batch is empty")
    if len(items) > settings.INGEST_MAX_BATCH:
        raise IngestError(
            f"the batch has {len(items)} mentions; at most {settings.INGEST_MAX_BATCH} are accepted at once"
        )
    problems: dict[int, dict[str, str]] = {}
    valid = []
    for index, item in enumerate(items):
        mention, item_problems = normalise(item)
        if item_problems:
            problems[index] = item_problems
        else:
            valid.append(mention)
    if problems:
        first = min(problems)
        field, msg = next(iter(problems[first].items()))
        raise IngestError(
            f"{len(problems)} of {len(items)} mentions are invalid; item {first}: {field} {msg}",
            problems,
        )
    return valid


def without_nul(value: Any) -> Any:
    """The value with NUL characters removed from every string: PostgreSQL text and jsonb cannot hold them."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def accept_batch(items: Any, *, source: str = "api", submitted_by=None) -> MentionBatch:
    """Validate the whole batch, store it raw, queue its processing. All or nothing."""
    items = without_nul(items)
    validate_batch(items)

    now = timezone.now()
    with transaction.atomic():
        batch = MentionBatch.objects.create(
            received_at=now,
            queued_at=now,
            source=source,
            submitted_by=submitted_by,
            items=items,
            item_count=len(items),
        )
        with log_context(batch=batch.pk):
            logger.info("batch accepted: %s mentions from %s (%s)", len(items), submitted_by or "-", source)

        def queue() -> None:
            with log_context(batch=batch.pk):
                process_batch_task.delay(batch.pk)
                logger.info("batch queued")

        transaction.on_commit(queue, robust=True)
    return batch


def _watchlist() -> dict[tuple[str, str], str]:
    return {
        (platform, handle.lower()): kind
        for platform, handle, kind in WatchedAuthor.objects.values_list("platform", "handle", "kind")
    }


def scoring_rules() -> ScoringRules:
    """The rules as configured now: influencer threshold and languages from settings, SLAs from the admin."""
    queue = QueueSettings.load()
    return ScoringRules(
        influencer_followers=settings.INFLUENCER_FOLLOWERS,
        sla=Sla.configured(queue),
        team_languages=frozenset(lang.lower() for lang in settings.TEAM_LANGUAGES),
    )


def _keywords() -> dict[str, tuple[str, ...]]:
    return {topic: tuple(words) for topic, words in topic_keywords().items()}


def _brand_handles() -> frozenset[str]:
    return brand_handles()


class MentionRow(SimpleNamespace):
    """A scored mention as plain attributes named like Mention's columns (attnames).

    What the worker stores (COPY reads the attributes) and broadcasts (mention_payload),
    without a Model instance per mention: instantiating Mention was a fifth of the
    worker's time per batch (docs/benchmarks.md).
    """


def column_defaults() -> dict[str, Any]:
    """Every column's default, so a row has a value for each column scoring leaves alone."""
    return {f.attname: f.get_default() for f in Mention._meta.concrete_fields if not f.primary_key}


def mention_fields(
    item: NormalisedMention,
    *,
    now: datetime,
    rules: ScoringRules,
    watchlist: dict[tuple[str, str], str],
    brand: frozenset[str],
    keywords: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """The scored mention's column values: the one place they are worked out."""
    handle = item.author_handle.lower()
    score = score_mention(
        MentionSignals(
            text=item.text,
            handle=item.author_handle,
            name=item.author_name,
            bio=item.author_bio,
            followers=item.author_followers,
            verified=item.author_verified,
            reshares=item.reshares,
            replies=item.replies,
            quotes=item.quotes,
            lang=item.lang,
            age_minutes=max((now - item.created_at).total_seconds() / 60, 0.0),
            topic_keywords=keywords or {},
            watchlist_kind=watchlist.get((item.platform, handle)) or watchlist.get(("", handle)),
            brand_handles=brand,
        ),
        rules,
    )
    return dict(
        platform=item.platform,
        external_id=item.external_id,
        text=item.text,
        url=item.url,
        lang=item.lang,
        created_at=item.created_at,
        in_reply_to=item.in_reply_to,
        reshares=item.reshares,
        replies=item.replies,
        quotes=item.quotes,
        sentiment=score.sentiment,
        author_handle=item.author_handle,
        author_name=item.author_name,
        author_followers=item.author_followers,
        author_verified=item.author_verified,
        author_bio=item.author_bio,
        author_kind=score.author_kind,
        score=score.total,
        breakdown=score.breakdown(),
        band=score.band,
        topic=score.topic,
        tier=score.tier,
        ingested_at=now,
        sla_due_at=rules.sla.due_at(score.band, now),
        queue_key=now - queue_key_offset(score.total),
    )


def build_mention(item: NormalisedMention, **context: Any) -> Mention:
    """A Mention model instance (unsaved); takes the keyword arguments of mention_fields()."""
    return Mention(**mention_fields(item, **context))


def build_row(item: NormalisedMention, *, defaults: dict[str, Any], **context: Any) -> MentionRow:
    """The same values as build_mention, as a MentionRow; `defaults` from column_defaults()."""
    return MentionRow(**{**defaults, "pk": None, **mention_fields(item, **context)})


def insert_new_mentions(mentions: list[Mention] | list[MentionRow]) -> list:
    """COPY the batch into a staging table, then INSERT ... ON CONFLICT DO NOTHING; returns the new ones.

    Must run inside a transaction: the staging table empties itself at commit.
    """
    unique: dict[tuple[str, str], Mention | MentionRow] = {}
    for mention in mentions:
        unique.setdefault((mention.platform, mention.external_id), mention)
    if not unique:
        return []
    with connection.cursor() as cursor:
        returned = bulk.copy_insert_ignoring_conflicts(
            cursor.cursor,
            Mention,
            list(unique.values()),
            conflict_columns=("platform", "external_id"),
            returning=("id", "platform", "external_id"),
        )
    inserted = []
    for pk, platform, external_id in returned:
        mention = unique[(platform, external_id)]
        mention.pk = pk
        if isinstance(mention, Mention):
            mention._state.adding = False
        inserted.append(mention)
    return inserted


def process_batch(batch_id: int) -> BatchResult | None:
    """Normalise, score and store one batch. None if it is gone or already done."""

    with transaction.atomic():
        batch = (
            MentionBatch.objects.select_for_update(skip_locked=True)
            .filter(pk=batch_id, status=BatchStatus.PENDING)
            .first()
        )
        if batch is None:
            return None
        now = timezone.now()
        rules = scoring_rules()
        watchlist, brand, crisis_id = _watchlist(), _brand_handles(), active_crisis_id()
        keywords, defaults = _keywords(), column_defaults()
        mentions = []
        for index, item in enumerate(batch.items):
            normalised, problems = normalise(item)
            if normalised is None:  # accepted by an older validator; keep the rest
                logger.warning("batch %s item %s skipped: %s", batch.pk, index, problems)
                continue
            mention = build_row(
                normalised,
                defaults=defaults,
                now=now,
                rules=rules,
                watchlist=watchlist,
                brand=brand,
                keywords=keywords,
            )
            mention.batch_id, mention.crisis_id = batch.pk, crisis_id
            mentions.append(mention)
        inserted = insert_new_mentions(mentions)
        batch.status = BatchStatus.DONE
        batch.processed_at = now
        batch.stored_count = len(inserted)
        batch.duplicate_count = batch.item_count - len(inserted)
        batch.save(update_fields=["status", "processed_at", "stored_count", "duplicate_count"])
        events.send_queue_delta("new", [mention_payload(m) for m in inserted])
    metrics.count("mentions_stored", batch.stored_count, source=batch.source)
    metrics.observe("ingest_batch", (timezone.now() - batch.received_at).total_seconds())
    return BatchResult(batch.pk, batch.stored_count, batch.duplicate_count)


def record_failure(batch_id: int, error: str, *, give_up: bool) -> None:
    MentionBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).update(
        error=error[:2000], status=BatchStatus.FAILED if give_up else BatchStatus.PENDING
    )


TRANSIENT = (OperationalError, InterfaceError)


@shared_task(name="triage.tasks.process_batch_task", bind=True, acks_late=True, max_retries=5)
def process_batch_task(self, batch_id: int) -> dict | None:
    """Safe to run twice: a batch is processed only while it is still pending."""
    with log_context(batch=batch_id):  # every line of the worker's part names the batch
        return _process_batch(self, batch_id)


def _process_batch(task, batch_id: int) -> dict | None:
    logger.info("batch taken by the worker (try %s)", task.request.retries + 1)
    try:
        result = process_batch(batch_id)
    except TRANSIENT as exc:
        give_up = task.request.retries >= task.max_retries
        record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=give_up)
        if give_up:
            logger.error("batch %s failed for good after %s tries: %s", batch_id, task.request.retries, exc)
            raise
        raise task.retry(exc=exc, countdown=2**task.request.retries + random.random()) from exc
    except Exception as exc:
        logger.exception("batch %s cannot be processed", batch_id)
        record_failure(batch_id, f"{type(exc).__name__}: {exc}", give_up=True)
        return None
    if result is None:
        return None
    logger.info("batch %s: %s stored, %s duplicates", batch_id, result.stored, result.duplicates)
    return {"stored": result.stored, "duplicates": result.duplicates}
