"""Mentions in: validate a batch, store it raw, then normalise, score and store it.

accept_batch() is what the API, connectors and commands call; it writes the raw
batch first so nothing accepted is ever lost, and queues process_batch() after
commit. process_batch() does one insert and one broadcast for the whole batch.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import psycopg2
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from core import events, metrics
from core.logs import log_context
from playbooks.selectors import active_crisis_id
from social import health
from social.models import Platform
from social.selectors import brand_handles

from . import bulk, fields
from .models import BatchStatus, Mention, MentionBatch, QueueSettings, WatchedAuthor
from .scoring import MentionSignals, ScoringRules, keywords_for, queue_key_offset, score_mention
from .selectors import mention_payload, scenario_keywords
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


def normalise(item: Any, *, now: datetime | None = None) -> tuple[NormalisedMention | None, dict[str, str]]:
    """One item of the API contract (DESIGN.md) as a mention, or the problems with it, keyed
    by field path (`author.followers`). Every bound of triage.fields is applied here: this is
    the one edge for the API, webhooks, streams, polls and CSV imports."""
    if not isinstance(item, dict):
        return None, {"": _("must be a JSON object")}
    now = now or timezone.now()
    problems: dict[str, str] = {}
    author = item.get("author")
    if not isinstance(author, dict):
        problems["author"] = _("is required as an object with handle and followers")
        author = {}
    values: dict[str, Any] = {}
    checks: list[tuple[str, str, Any, Any, dict]] = [
        ("platform", "platform", fields.text, item.get("platform"), {"limit": 20, "required": True}),
        (
            "external_id",
            "external_id",
            fields.text,
            item.get("external_id"),
            {"limit": 200, "required": True, "allow_ints": True},
        ),
        ("text", "text", fields.text, item.get("text"), {"limit": 20_000, "required": True}),
        ("url", "url", fields.text, item.get("url"), {"limit": 500}),
        ("lang", "lang", fields.text, item.get("lang"), {"limit": 16}),
        (
            "in_reply_to",
            "in_reply_to",
            fields.text,
            item.get("in_reply_to"),
            {"limit": 200, "allow_ints": True},
        ),
        ("reshares", "reshares", fields.count, item.get("reshares"), {}),
        ("replies", "replies", fields.count, item.get("replies"), {}),
        ("quotes", "quotes", fields.count, item.get("quotes"), {}),
        (
            "author_handle",
            "author.handle",
            fields.text,
            author.get("handle"),
            {"limit": 100, "required": True},
        ),
        (
            "author_followers",
            "author.followers",
            fields.count,
            author.get("followers"),
            {"maximum": fields.BIGINT_MAX, "required": True},
        ),
        ("author_name", "author.name", fields.text, author.get("name"), {"limit": 200}),
        ("author_bio", "author.bio", fields.text, author.get("bio"), {"limit": 2000}),
    ]
    for name, path, check, value, options in checks:
        try:
            values[name] = check(value, **options)
        except fields.FieldError as exc:
            if path.startswith("author.") and "author" in problems:
                continue
            problems[path] = str(exc)
    try:
        values["created_at"] = fields.moment(item.get("created_at"), now=now)
    except fields.FieldError as exc:
        problems["created_at"] = str(exc)
    for name, check in (("url", fields.url), ("lang", fields.lang)):
        if name not in problems:
            try:
                check(values[name])
            except fields.FieldError as exc:
                problems[name] = str(exc)
    platform = values.get("platform")
    if platform and platform not in PLATFORMS:
        problems["platform"] = _("unknown platform %(platform)r; expected one of %(known)s") % {
            "platform": platform,
            "known": ", ".join(sorted(PLATFORMS)),
        }
    for name, path in (("external_id", "external_id"), ("author_handle", "author.handle")):
        if values.get(name) is not None and path not in problems and not values[name].strip():
            problems[path] = _("must not be empty")
    if problems:
        return None, problems
    values["author_handle"] = values["author_handle"].lstrip("@")
    return NormalisedMention(author_verified=author.get("verified") is True, **values), {}


def item_path(index: int, field: str) -> str:
    """Where a problem is in the posted JSON: `[3].author.followers`."""
    return f"[{index}].{field}" if field else f"[{index}]"


def validate_batch(items: Any) -> list[NormalisedMention]:
    if not isinstance(items, list):
        raise IngestError(_("expected a JSON list of mentions"))
    if not items:
        raise IngestError(_("the batch is empty"))
    if len(items) > settings.INGEST_MAX_BATCH:
        raise IngestError(
            _("the batch has %(count)s mentions; at most %(limit)s are accepted at once")
            % {"count": len(items), "limit": settings.INGEST_MAX_BATCH}
        )
    problems: dict[int, dict[str, str]] = {}
    valid = []
    now = timezone.now()
    for index, item in enumerate(items):
        mention, item_problems = normalise(item, now=now)
        if item_problems:
            problems[index] = item_problems
        else:
            valid.append(mention)
    if problems:
        first = min(problems)
        field, msg = next(iter(problems[first].items()))
        raise IngestError(
            _("%(bad)s of %(count)s mentions are invalid; %(path)s %(reason)s")
            % {"bad": len(problems), "count": len(items), "path": item_path(first, field), "reason": msg},
            problems,
        )
    return valid


def problem_list(problems: dict[int, dict[str, str]]) -> list[dict[str, str]]:
    """IngestError.problems as [{"path": "[3].author.followers", "reason": ...}], in item order."""
    return [
        {"path": item_path(index, field), "reason": reason}
        for index in sorted(problems)
        for field, reason in problems[index].items()
    ]


def clean_strings(value: Any, *, surrogates: bool = True) -> Any:
    """The value with NUL removed (and, with `surrogates`, lone surrogates replaced) in every
    string and key: PostgreSQL text and jsonb hold neither, and an unknown field must not
    sink the raw batch. Known fields with a lone surrogate are refused by normalise first."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        if surrogates and fields.has_lone_surrogate(value):
            value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value
    if isinstance(value, list):
        return [clean_strings(v, surrogates=surrogates) for v in value]
    if isinstance(value, dict):
        return {
            clean_strings(k, surrogates=surrogates): clean_strings(v, surrogates=surrogates)
            for k, v in value.items()
        }
    return value


def accept_batch(items: Any, *, source: str = "api", submitted_by=None) -> MentionBatch:
    """Validate the whole batch, store it raw, queue its processing. All or nothing."""
    items = clean_strings(items, surrogates=False)
    validate_batch(items)  # a lone surrogate in a known field is refused, not repaired
    items = clean_strings(items)

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
        transaction.on_commit(lambda: enqueue_batches([batch.pk]), robust=True)
    return batch


def set_aside_invalid(items: list[Any], *, platform: str, source: str) -> list[dict[str, Any]]:
    """The items the ingest contract accepts. Each other one is set aside with its reason
    (the connector health page shows it): for deliveries that got past the sender's
    checks (streams, polls, webhooks), where refusing the lot would lose the good ones."""
    now = timezone.now()
    kept = []
    for index, item in enumerate(items):
        _, problems = normalise(clean_strings(item, surrogates=False), now=now)
        if problems:
            reason = "; ".join(f"{field or 'item'} {msg}" for field, msg in problems.items())
            health.set_aside(platform, source=source, reason=reason, item=item)
            logger.warning("%s: item %s set aside: %s", source, index, reason)
            continue
        kept.append(item)
    return kept


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
    keywords: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
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
            topic_keywords=keywords_for(keywords or {}, item.lang),
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


def _set_aside(batch: MentionBatch, item: Any, reason: str) -> None:
    platform = item.get("platform") if isinstance(item, dict) else None
    health.set_aside(
        platform if platform in PLATFORMS else "generic", source=batch.source, reason=reason, item=item
    )


def insert_in_parts(mentions: list[MentionRow], on_refused: Callable[[MentionRow, str], None]) -> list:
    """insert_new_mentions(), and when PostgreSQL refuses the COPY (a value past a column's
    bounds that normalise did not foresee), the halves again, each in its own savepoint,
    down to single rows: the good rows are stored, each refused row goes to on_refused."""
    try:
        with transaction.atomic():
            return insert_new_mentions(mentions)
    except (DatabaseError, psycopg2.DataError, psycopg2.IntegrityError, ValueError) as exc:
        if isinstance(exc, OperationalError | InterfaceError):
            raise  # the database is gone, not the data: the task retries the whole batch
        if len(mentions) == 1:
            on_refused(mentions[0], f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
            return []
        logger.warning("COPY of %s mentions refused (%s); inserting in parts", len(mentions), exc)
        middle = len(mentions) // 2
        return insert_in_parts(mentions[:middle], on_refused) + insert_in_parts(mentions[middle:], on_refused)


def process_batch(batch_id: int) -> BatchResult | None:
    """Normalise, score and store one batch. None if it is gone or already done.

    An item that cannot be stored is set aside with its reason (social.health); it never
    costs the other items of its batch."""

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
        keywords, defaults = scenario_keywords(), column_defaults()
        mentions, raw_of = [], {}
        for index, item in enumerate(batch.items):
            normalised, problems = normalise(item, now=now)
            if normalised is None:  # accepted by an older validator; keep the rest
                _set_aside(batch, item, "; ".join(f"{item_path(index, k)} {v}" for k, v in problems.items()))
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
            raw_of[id(mention)] = item
        inserted = insert_in_parts(
            mentions, lambda row, reason: _set_aside(batch, raw_of[id(row)], f"not stored: {reason}")
        )
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


# acks_late with reject_on_worker_lost: a worker killed mid-batch hands the message back, and the
# batch (still pending, its transaction rolled back) is processed once by the next worker.
@shared_task(
    name="triage.tasks.process_batch_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
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


# What a publish raises with Redis unreachable (kombu wraps most, not all, of the client's errors).
BROKER_ERRORS = (BrokerOperationalError, RedisError, OSError)


def enqueue_batches(batch_ids: list[int]) -> int:
    """Queue the processing of accepted batches; returns how many were sent.

    With Redis down the publish fails after the short retry of CELERY_TASK_PUBLISH_RETRY_POLICY:
    the batches stay stored, marked as not queued (queued_at NULL), and the sweep
    (triage.tasks.requeue_stale_batches, every 5 s) sends them once Redis is back. The caller,
    whose 202 is already decided, never fails.
    """
    sent = 0
    for index, batch_id in enumerate(batch_ids):
        try:
            with log_context(batch=batch_id):
                process_batch_task.delay(batch_id)
                logger.info("batch queued")
        except BROKER_ERRORS as exc:
            unsent = batch_ids[index:]
            MentionBatch.objects.filter(pk__in=unsent, status=BatchStatus.PENDING).update(queued_at=None)
            logger.warning(
                "could not queue %s accepted batch(es) %s (%s: %s); the sweep will send them",
                len(unsent),
                unsent[:20],
                type(exc).__name__,
                exc,
            )
            break
        sent += 1
    return sent
