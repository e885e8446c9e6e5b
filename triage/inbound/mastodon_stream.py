"""The Mastodon listener: backfill what was missed, then follow the user stream; on a drop,
reconnect with backoff and backfill again from the saved ids."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from social.connectors.mastodon import PLATFORM, MastodonConnector, newest_id, normalise, parse_sse
from social.cursors import get_cursor
from triage.inbound.streams import BatchBuffer, run_with_reconnects

logger = logging.getLogger(__name__)

NOTIFICATIONS_CURSOR = "notifications_since_id"
SEARCH_CURSOR = "search_min_id"
# The user stream carries mentions and the home timeline only: posts by strangers that say a
# keyword are found by searching this often while the stream runs (and after each reconnect).
SEARCH_EVERY = 60.0
# Ids are time-based snowflakes (milliseconds << 16); a remote post that federates late gets
# an id from its own time, so each search looks this far behind the newest id it has seen.
SEARCH_LOOKBACK_MS = 10 * 60 * 1000


def lookback(min_id: str) -> str:
    if not min_id.isdigit():
        return min_id
    return str(max(0, int(min_id) - (SEARCH_LOOKBACK_MS << 16)))


def search(connector: MastodonConnector, buffer: BatchBuffer) -> None:
    cursor = buffer.cursors.get(SEARCH_CURSOR) or get_cursor(PLATFORM, SEARCH_CURSOR)
    found, newest = connector.search_since(lookback(cursor) if cursor else "")
    buffer.add(found, **{SEARCH_CURSOR: newest_id(cursor, newest)})


def backfill(connector: MastodonConnector, buffer: BatchBuffer) -> int:
    """Mentions and keyword matches posted while we were away, from the saved ids."""
    mentions, newest = connector.mentions_since(get_cursor(PLATFORM, NOTIFICATIONS_CURSOR))
    buffer.add(mentions, **{NOTIFICATIONS_CURSOR: newest})
    if connector.keywords:
        search(connector, buffer)
    return buffer.flush()


def handle_event(connector: MastodonConnector, buffer: BatchBuffer, event: str, data: str) -> None:
    try:
        body = json.loads(data)
    except ValueError:
        return  # a delete carries a bare id; nothing else we use is not JSON
    if event == "notification" and isinstance(body, dict):
        buffer.add(normalise(body), **{NOTIFICATIONS_CURSOR: str(body.get("id", ""))})
    elif event == "update" and isinstance(body, dict) and connector.is_relevant(body):
        buffer.add(normalise(body))


def listen_once(
    connector: MastodonConnector,
    *,
    should_stop: Callable[[], bool],
    say: Callable[[str], None],
    search_every: float = SEARCH_EVERY,
):
    buffer = BatchBuffer(PLATFORM, source="mastodon:stream")
    stored = backfill(connector, buffer)
    say(f"mastodon: backfilled {stored} mentions; following the stream")
    searched = time.monotonic()
    try:
        for event, data in parse_sse(connector.stream_lines(), heartbeats=True):
            if event != ":":
                handle_event(connector, buffer, event, data)
            if connector.keywords and time.monotonic() - searched >= search_every:
                search(connector, buffer)
                searched = time.monotonic()
            if buffer.due():
                count = buffer.flush()
                if count:
                    say(f"mastodon: {count} mentions stored")
            if should_stop():
                break
    finally:
        buffer.flush()


def listen(
    connector: MastodonConnector,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    max_sessions: int | None = None,
    say: Callable[[str], None] = logger.info,
    search_every: float = SEARCH_EVERY,
) -> int:
    return run_with_reconnects(
        PLATFORM,
        lambda: listen_once(connector, should_stop=should_stop, say=say, search_every=search_every),
        should_stop=should_stop,
        sleep=sleep,
        max_sessions=max_sessions,
        say=say,
    )
