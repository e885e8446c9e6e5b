"""Reading X continuously: the filtered stream, reconnected with backoff after a drop and
backfilled through recent search (since the newest id seen) so nothing is missed; and a
plain poll of recent search for installs without stream access. since_id is kept in
Redis (social.state) and moved only after the mentions were accepted."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from social import health, state
from social.connectors import OutboundError
from social.connectors.x import XConnector, normalise, partial_errors
from triage.ingest import IngestError, accept_batch, set_aside_invalid

logger = logging.getLogger(__name__)

FLUSH_EVERY_S = 1.0
FLUSH_AT = 200
MAX_BACKOFF_S = 320.0  # X asks clients to back off exponentially, up to minutes


def _newest(current: str, candidate: str) -> str:
    if not candidate.isdigit():
        return current
    return candidate if not current or int(candidate) > int(current) else current


def _store(mentions: list[dict[str, Any]], source: str) -> int:
    mentions = set_aside_invalid(mentions, platform="x", source=source)
    if not mentions:
        return 0
    try:
        accept_batch(mentions, source=source)
    except IngestError as exc:
        health.record_error("x", f"{source}: {exc.message}")
        logger.warning("x %s: batch refused: %s", source, exc.message)
        return 0
    health.record_events("x", len(mentions))
    return len(mentions)


def poll_once(connector: XConnector, query: str) -> int:
    """One recent-search pass since the newest id seen; returns mentions accepted."""
    since = state.cursor("x", "since_id")
    mentions, newest = connector.search(query, since_id=since)
    stored = _store(mentions, "poll:x")
    if newest and newest != since:
        state.set_cursor("x", "since_id", _newest(since, newest))
    return stored


def _backoff(attempt: int, exc: OutboundError) -> float:
    if exc.retry_after is not None:
        return exc.retry_after
    return min(MAX_BACKOFF_S, 2.0 * 2**attempt) + random.uniform(0, 1)


def run_stream(
    connector: XConnector,
    *,
    query: str,
    max_reconnects: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = logger.info,
) -> int:
    """Read the stream until stopped (or max_reconnects drops); returns mentions accepted."""
    total, attempt, reconnects = 0, 0, 0
    while True:
        held: list[dict[str, Any]] = []
        since = state.cursor("x", "since_id")
        first_at = 0.0
        try:
            for event in connector.stream_lines():
                if event is not None:
                    attempt = 0
                    for problem in partial_errors(event):
                        logger.info("x stream: %s", problem)
                    found = normalise(event)
                    held += found
                    for mention in found:
                        since = _newest(since, mention["external_id"])
                    first_at = first_at or time.monotonic()
                if held and (len(held) >= FLUSH_AT or time.monotonic() - first_at >= FLUSH_EVERY_S):
                    total += _store(held, "stream:x")
                    state.set_cursor("x", "since_id", since)
                    held, first_at = [], 0.0
            raise OutboundError("X closed the stream", transient=True)
        except OutboundError as exc:
            total += _store(held, "stream:x")
            if held:
                state.set_cursor("x", "since_id", since)
            if not exc.transient:
                health.record_error("x", f"stream: {exc}")
                raise
            reconnects += 1
            if max_reconnects is not None and reconnects > max_reconnects:
                return total
            delay = _backoff(attempt, exc)
            attempt += 1
            health.record_error("x", f"stream dropped: {exc}")
            if exc.retry_after is not None:
                health.record_rate_limit("x", retry_after=exc.retry_after)
            say(f"X stream dropped ({exc}); reconnecting in {delay:.1f}s")
            sleep(delay)
            health.record_reconnect("x")
            try:
                backfilled = poll_once(connector, query)
                total += backfilled
                say(f"backfilled {backfilled} mentions through recent search")
            except OutboundError as search_exc:
                health.record_error("x", f"backfill: {search_exc}")
