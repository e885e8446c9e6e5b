"""The Mastodon listener: backfill what was missed, then follow the user stream; on a drop,
reconnect with backoff and backfill again from the saved ids."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from social.cursors import get_cursor

from .mastodon import PLATFORM, MastodonConnector, normalise, parse_sse
from .stream import BatchBuffer, run_with_reconnects

logger = logging.getLogger(__name__)

NOTIFICATIONS_CURSOR = "notifications_since_id"
STATUSES_CURSOR = "statuses_min_id"


def backfill(connector: MastodonConnector, buffer: BatchBuffer) -> int:
    """Mentions and keyword matches posted while we were away, from the saved ids."""
    mentions, newest = connector.mentions_since(get_cursor(PLATFORM, NOTIFICATIONS_CURSOR))
    buffer.add(mentions, **{NOTIFICATIONS_CURSOR: newest})
    if connector.keywords:
        found, newest_status = connector.search_since(get_cursor(PLATFORM, STATUSES_CURSOR))
        buffer.add(found, **{STATUSES_CURSOR: newest_status})
    return buffer.flush()


def handle_event(connector: MastodonConnector, buffer: BatchBuffer, event: str, data: str) -> None:
    try:
        body = json.loads(data)
    except ValueError:
        return  # a delete carries a bare id; nothing else we use is not JSON
    if event == "notification" and isinstance(body, dict):
        buffer.add(normalise(body), **{NOTIFICATIONS_CURSOR: str(body.get("id", ""))})
    elif event == "update" and isinstance(body, dict) and connector.is_relevant(body):
        buffer.add(normalise(body), **{STATUSES_CURSOR: str(body.get("id", ""))})


def listen_once(connector: MastodonConnector, *, should_stop: Callable[[], bool], say: Callable[[str], None]):
    buffer = BatchBuffer(PLATFORM, source="mastodon:stream")
    stored = backfill(connector, buffer)
    say(f"mastodon: backfilled {stored} mentions; following the stream")
    try:
        for event, data in parse_sse(connector.stream_lines(), heartbeats=True):
            if event != ":":
                handle_event(connector, buffer, event, data)
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
) -> int:
    return run_with_reconnects(
        PLATFORM,
        lambda: listen_once(connector, should_stop=should_stop, say=say),
        should_stop=should_stop,
        sleep=sleep,
        max_sessions=max_sessions,
        say=say,
    )
