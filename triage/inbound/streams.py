"""What every stream and poll shares: batching into accept_batch, the cursor saved only after
the batch is committed, health reports, and reconnect backoff with jitter."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from django.db import DatabaseError, transaction

from social import health
from social.connectors.base import OutboundError
from social.cursors import save_cursor
from triage.ingest import IngestError, accept_batch, normalise

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Items per accept_batch call: below INGEST_MAX_BATCH, the size the ingest worker handles best.
CHUNK = 500


def reconnect_delay(
    attempt: int, *, base: float = 1.0, cap: float = 60.0, retry_after: float | None = None
) -> float:
    """Exponential backoff with full jitter; the platform's own wait when it gave one."""
    if retry_after is not None:
        return min(retry_after, 900.0) + random.uniform(0, base)
    return random.uniform(0, min(cap, base * 2**attempt))


def valid_items(platform: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items the ingest contract accepts; a bad one is logged and counted, never blocks the rest."""

    kept = []
    for item in items:
        _, problems = normalise(item)
        if problems:
            logger.warning(
                "%s: dropped a malformed mention %s: %s", platform, item.get("external_id"), problems
            )
            health.record_error(platform, f"malformed mention dropped: {problems}")
            continue
        kept.append(item)
    return kept


class BatchBuffer:
    """Collects mentions from a stream and hands them to ingest in batches.

    flush() commits the batch first, then saves the cursors: a crash between the two replays
    a few events (dropped as duplicates by the (platform, external_id) dedupe), never loses one."""

    def __init__(
        self,
        platform: str,
        *,
        source: str,
        max_items: int = 200,
        max_wait: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.platform, self.source = platform, source
        self.max_items, self.max_wait, self.clock = max_items, max_wait, clock
        self.items: list[dict[str, Any]] = []
        self.cursors: dict[str, str] = {}
        self.started: float | None = None
        self.events_seen = 0

    def add(self, items: list[dict[str, Any]], **cursors: str) -> None:
        self.events_seen += 1
        if self.started is None:
            self.started = self.clock()
        self.items.extend(items)
        self.cursors.update({k: v for k, v in cursors.items() if v})

    def due(self) -> bool:
        if self.started is None:
            return False
        return len(self.items) >= self.max_items or self.clock() - self.started >= self.max_wait

    def flush(self) -> int:
        """Accept what is buffered; returns how many mentions went in."""

        if self.started is None:
            return 0
        items = valid_items(self.platform, self.items)
        try:
            # One transaction for the lot: the cursor below covers all of it or none.
            with transaction.atomic():
                for start in range(0, len(items), CHUNK):
                    accept_batch(items[start : start + CHUNK], source=self.source)
        except (IngestError, DatabaseError) as exc:
            # Keep the buffer and the old cursor: the caller reconnects and replays.
            health.record_error(self.platform, f"could not store a batch: {exc}")
            raise
        for name, value in self.cursors.items():
            save_cursor(self.platform, name, value)
        health.record_events(self.platform, len(items))
        self.items, self.cursors, self.started = [], {}, None
        return len(items)


def run_with_reconnects(
    platform: str,
    session: Callable[[], None],
    *,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    max_sessions: int | None = None,
    say: Callable[[str], None] = logger.info,
    base: float = 1.0,
    cap: float = 60.0,
) -> int:
    """Run session() (one connection, until it drops) again and again: backoff with jitter
    between attempts, the platform's Retry-After when it sent one, every drop reported to
    the health page. Returns how many sessions ran."""

    sessions = attempt = 0
    while not should_stop() and (max_sessions is None or sessions < max_sessions):
        sessions += 1
        started = time.monotonic()
        retry_after = None
        try:
            session()
            say(f"{platform}: the stream closed")
        except (OutboundError, httpx.HTTPError, OSError, DatabaseError) as exc:
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                health.record_rate_limit(platform, retry_after=retry_after)
            health.record_error(platform, f"stream: {exc or type(exc).__name__}")
            say(f"{platform}: stream error: {exc or type(exc).__name__}")
        except Exception as exc:
            # A bug must not silence a listener for the rest of a crisis: log it in full,
            # count it, and reconnect like any other drop.
            logger.exception("%s: the stream failed unexpectedly", platform)
            health.record_error(platform, f"stream failed: {type(exc).__name__}: {exc}")
        if should_stop() or (max_sessions is not None and sessions >= max_sessions):
            break
        if time.monotonic() - started > 60:
            attempt = 0  # it ran a good while: start the backoff again from the bottom
        delay = reconnect_delay(attempt, base=base, cap=cap, retry_after=retry_after)
        attempt += 1
        health.record_reconnect(platform)
        say(f"{platform}: reconnecting in {delay:.1f}s")
        sleep(delay)
    return sessions
