"""Reading X continuously: the filtered stream on the shared stream helper (batches, the cursor
saved only after the batch is committed, reconnects with backoff and X's rate-limit reset),
backfilled through recent search since the newest id seen at the start of every connection,
so nothing posted while we were away is missed; and a plain poll of recent search for
installs without stream access."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from social.connectors.x import XConnector, normalise, partial_errors
from social.cursors import get_cursor

from .streams import BatchBuffer, run_with_reconnects

logger = logging.getLogger(__name__)

PLATFORM = "x"
CURSOR = "since_id"
MAX_BACKOFF_S = 320.0  # X asks clients to back off exponentially, up to minutes


def _newest(current: str, candidate: str) -> str:
    if not candidate.isdigit():
        return current
    return candidate if not current or int(candidate) > int(current) else current


def poll_once(connector: XConnector, query: str) -> int:
    """One recent-search pass since the newest id seen; returns mentions accepted."""
    buffer = BatchBuffer(PLATFORM, source="poll:x")
    since = get_cursor(PLATFORM, CURSOR)
    mentions, newest = connector.search(query, since_id=since)
    buffer.add(mentions, **{CURSOR: _newest(since, newest or "")})
    return buffer.flush()


def stream_once(
    connector: XConnector,
    *,
    query: str,
    should_stop: Callable[[], bool],
    say: Callable[[str], None],
    stored: Callable[[int], None],
) -> None:
    """One connection: backfill since the saved id, then follow the stream until it drops.
    `stored` hears each count accepted, also when the connection then drops."""
    backfilled = poll_once(connector, query)
    stored(backfilled)
    say(f"x: backfilled {backfilled} mentions through recent search; following the stream")
    buffer = BatchBuffer(PLATFORM, source="stream:x")
    since = get_cursor(PLATFORM, CURSOR)
    try:
        for event in connector.stream_lines():
            if event is not None:
                for problem in partial_errors(event):
                    logger.info("x stream: %s", problem)
                found = normalise(event)
                for mention in found:
                    since = _newest(since, mention["external_id"])
                buffer.add(found, **{CURSOR: since})
            if buffer.due():
                stored(buffer.flush())
            if should_stop():
                break
    finally:
        stored(buffer.flush())


def run_stream(
    connector: XConnector,
    *,
    query: str,
    max_reconnects: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = logger.info,
) -> int:
    """Read the stream until stopped (or max_reconnects drops); returns mentions accepted."""
    counts: list[int] = []
    run_with_reconnects(
        PLATFORM,
        lambda: stream_once(connector, query=query, should_stop=should_stop, say=say, stored=counts.append),
        should_stop=should_stop,
        sleep=sleep,
        max_sessions=None if max_reconnects is None else max_reconnects + 1,
        say=say,
        base=2.0,
        cap=MAX_BACKOFF_S,
    )
    return sum(counts)
