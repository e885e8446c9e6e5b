"""CSV exports from listening tools into the queue: columns mapped to the mention contract,
each row checked on its own (a bad row is reported with its reason, never blocks the others),
good rows sent through triage.ingest.accept_batch in batches of 500."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from social import health
from social.models import ImportStatus, MentionImport
from triage.ingest import accept_batch, normalise

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_PROBLEMS_KEPT = 200

FIELDS = (
    "platform",
    "external_id",
    "text",
    "author_handle",
    "author_followers",
    "author_name",
    "author_verified",
    "author_bio",
    "created_at",
    "url",
    "lang",
    "reshares",
    "replies",
    "in_reply_to",
)
# Header names that common exports use, lower-cased with spaces and dashes as underscores.
ALIASES = {
    "platform": ("platform", "network", "source", "channel", "site"),
    "external_id": ("external_id", "id", "post_id", "mention_id", "tweet_id", "status_id"),
    "text": ("text", "content", "message", "body", "snippet", "full_text", "post"),
    "author_handle": ("author_handle", "handle", "author", "username", "screen_name", "user"),
    "author_followers": ("author_followers", "followers", "followers_count", "author_followers_count"),
    "author_name": ("author_name", "name", "display_name", "full_name"),
    "author_verified": ("author_verified", "verified"),
    "author_bio": ("author_bio", "bio", "description"),
    "created_at": ("created_at", "date", "published", "published_at", "timestamp", "time", "datetime"),
    "url": ("url", "link", "permalink"),
    "lang": ("lang", "language"),
    "reshares": ("reshares", "shares", "retweets", "reposts", "reblogs"),
    "replies": ("replies", "comments", "reply_count"),
    "in_reply_to": ("in_reply_to", "in_reply_to_id", "parent_id"),
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d")
_NUMBER = re.compile(r"^\s*([0-9][0-9,. ]*)\s*([kKmM]?)\s*$")


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def parse_map(pairs: Iterable[str]) -> dict[str, str]:
    """--map "Tweet Id=external_id" pairs as {column: field}; unknown fields are an error."""
    mapping = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip() or target.strip() not in FIELDS:
            raise ValueError(f"--map {pair!r}: expected COLUMN=FIELD with FIELD one of {', '.join(FIELDS)}")
        mapping[column.strip()] = target.strip()
    return mapping


def column_map(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """{csv column: mention field}: explicit overrides first, then the known aliases."""
    overrides = overrides or {}
    missing = [column for column in overrides if column not in headers]
    if missing:
        raise ValueError(f"--map names columns the file does not have: {', '.join(missing)}")
    mapping = dict(overrides)
    taken = set(mapping.values())
    for target, names in ALIASES.items():
        if target in taken:
            continue
        for header in headers:
            if header not in mapping and _key(header) in names:
                mapping[header] = target
                taken.add(target)
                break
    return mapping


def _number(value: str) -> int | None:
    match = _NUMBER.match(value or "")
    if not match:
        return None
    digits, suffix = match.groups()
    digits = digits.replace(",", "").replace(" ", "")
    try:
        number = float(digits)
    except ValueError:
        return None
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[suffix.lower()])


def _date(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():  # epoch seconds or milliseconds
        seconds = int(value) / (1000 if len(value) > 11 else 1)
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    parsed = parse_datetime(value.replace("Z", "+00:00"))
    if parsed is None:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)  # noqa: DTZ007 - naive, made UTC below
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()


def row_to_item(row: dict[str, str], mapping: dict[str, str], platform: str) -> tuple[dict[str, Any], str]:
    """One CSV row as a mention dict in the API shape, or a reason it cannot be one."""
    values = {target: (row.get(column) or "").strip() for column, target in mapping.items()}
    item: dict[str, Any] = {
        "platform": (values.get("platform") or platform).lower(),
        "text": values.get("text", ""),
        "author": {"handle": values.get("author_handle", "")},
    }
    if not item["text"]:
        return item, "text is empty"
    created = _date(values.get("created_at", ""))
    if created is None:
        return item, f"created_at {values.get('created_at', '')!r} is not a date"
    item["created_at"] = created
    followers = _number(values.get("author_followers", "0") or "0")
    if followers is None:
        return item, f"followers {values.get('author_followers')!r} is not a number"
    item["author"]["followers"] = followers
    for key in ("author_name", "author_bio"):
        if values.get(key):
            item["author"][key.removeprefix("author_")] = values[key]
    if values.get("author_verified"):
        item["author"]["verified"] = values["author_verified"].lower() in (
            "1",
            "true",
            "yes",
            "y",
            "verified",
        )
    for key in ("url", "lang", "in_reply_to"):
        if values.get(key):
            item[key] = values[key]
    for key in ("reshares", "replies"):
        if values.get(key):
            number = _number(values[key])
            if number is None:
                return item, f"{key} {values[key]!r} is not a number"
            item[key] = number
    # Without an id, the same row imported twice must still be one mention.
    item["external_id"] = (
        values.get("external_id")
        or "csv-"
        + hashlib.sha256(
            "|".join(
                [item["platform"], item.get("url", ""), item["author"]["handle"], created, item["text"]]
            ).encode()
        ).hexdigest()[:24]
    )
    return item, ""


@dataclass
class ImportResult:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    batches: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def reject(self, row_number: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append((row_number, reason))


def read_rows(text: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return list(reader.fieldnames or []), reader


def _readable(rows: Iterator[dict[str, str]], result: ImportResult) -> Iterator[dict[str, str]]:
    """The rows until the file stops being readable CSV; that is reported, the rows read
    before it are kept."""
    try:
        yield from rows
    except csv.Error as exc:
        result.reject(result.rows_read + 2, f"unreadable CSV from here on ({exc}); the rest was not imported")


def import_csv(
    text: str,
    *,
    platform: str = "",
    overrides: dict[str, str] | None = None,
    source: str = "csv",
    submitted_by=None,
    on_progress: Callable[[ImportResult], None] = lambda result: None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import a whole CSV text; on_progress is called after every batch."""

    headers, rows = read_rows(text.lstrip("\ufeff"))
    mapping = column_map(headers, overrides)
    if "text" not in mapping.values():
        raise ValueError(f"no text column: name one with --map COLUMN=text (columns: {', '.join(headers)})")
    result, batch = ImportResult(), []

    def send() -> None:
        if batch:
            accept_batch(list(batch), source=source[:40], submitted_by=submitted_by)
            health.record_events("generic", len(batch))
            result.accepted += len(batch)
            result.batches += 1
            batch.clear()
        on_progress(result)

    row_number = 1  # row 1 is the header
    for row in _readable(rows, result):
        row_number += 1
        result.rows_read += 1
        item, reason = row_to_item(row, mapping, platform)
        if not reason:
            _, problems = normalise(item)
            reason = "; ".join(f"{k} {v}" for k, v in problems.items())
        if reason:
            result.reject(row_number, reason)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            send()
    send()
    return result


def run_import(import_id: int) -> ImportResult | None:
    """Run one uploaded import (the Celery task calls this). Claimed with a conditional
    UPDATE, so a task delivered twice runs once; progress is saved after every batch."""

    if not MentionImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    ):
        return None
    job = MentionImport.objects.get(pk=import_id)

    def progress(result: ImportResult) -> None:
        MentionImport.objects.filter(pk=import_id).update(
            rows_read=result.rows_read,
            accepted=result.accepted,
            rejected=result.rejected,
            problems=[{"row": row, "reason": reason} for row, reason in result.problems],
        )

    try:
        result = import_csv(
            job.content,
            platform=job.platform,
            overrides=job.column_map or {},
            source=f"csv:{job.file_name}",
            submitted_by=job.created_by,
            on_progress=progress,
        )
    except Exception as exc:
        # Batches already accepted stay (a re-import drops them as duplicates); the page says
        # why it stopped instead of showing "running" for ever.
        if not isinstance(exc, ValueError):
            logger.exception("import %s failed", import_id)
        MentionImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        return None
    progress(result)
    MentionImport.objects.filter(pk=import_id).update(status=ImportStatus.DONE, finished_at=timezone.now())
    return result
