"""The Jetstream consumer: post events filtered by our keywords and DIDs, profiles looked up
per batch, the cursor (time_us) saved only after the batch is committed and replayed a few
seconds back on reconnect (the replayed duplicates are dropped by the mention dedupe)."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from core import netguard
from social import health
from social.connectors.base import parse_or_report
from social.connectors.bluesky import PLATFORM, POST, BlueskyConnector, event_to_mention
from social.cursors import get_cursor
from triage.inbound.streams import BatchBuffer, run_with_reconnects

logger = logging.getLogger(__name__)

CURSOR = "jetstream_time_us"
REPLAY_US = 5_000_000


def subscribe_url(connector: BlueskyConnector, cursor: str) -> str:
    params = [("wantedCollections", POST)]
    if cursor:
        params.append(("cursor", str(max(int(cursor) - REPLAY_US, 0))))
    return f"{connector.jetstream_url}?{urllib.parse.urlencode(params)}"


class JetstreamBatch:
    """Matched post events waiting for one profile look-up, and the newest time_us seen."""

    def __init__(self, connector: BlueskyConnector, buffer: BatchBuffer):
        self.connector, self.buffer = connector, buffer
        self.events: list[dict[str, Any]] = []
        self.newest = 0  # the cursor only moves forward, whatever order frames arrive in

    def add(self, event: dict[str, Any]) -> None:
        if parse_or_report(PLATFORM, self.connector.matches, event, False):
            self.events.append(event)
        time_us = event.get("time_us")
        if isinstance(time_us, int) and time_us > self.newest:
            self.newest = time_us
        self.buffer.add([], **{CURSOR: str(self.newest) if self.newest else ""})

    def flush(self) -> int:
        profiles = self.connector.profiles(str(e.get("did", "")) for e in self.events)
        mentions = [
            parse_or_report(PLATFORM, lambda e: event_to_mention(e, profiles.get(e["did"])), event, None)
            for event in self.events
        ]
        self.buffer.items.extend(m for m in mentions if m)
        self.events = []
        return self.buffer.flush()


def consume(
    connector: BlueskyConnector,
    *,
    should_stop: Callable[[], bool],
    say: Callable[[str], None],
    max_wait: float = 1.0,
) -> None:
    """One Jetstream connection, until it drops or we are told to stop."""
    buffer = BatchBuffer(PLATFORM, source="bluesky:jetstream", max_wait=max_wait)
    batch = JetstreamBatch(connector, buffer)
    url = subscribe_url(connector, get_cursor(PLATFORM, CURSOR))
    say(f"bluesky: connecting to {url}")
    try:
        # Connected to a checked public address (core.netguard), like every outbound call.
        sock = netguard.public_socket(url, timeout=10)
        with connect(url, sock=sock, open_timeout=10, close_timeout=2, max_size=2**21) as ws:
            while not should_stop():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    raw = None
                if raw is not None:
                    try:
                        event = json.loads(raw)
                    except ValueError:
                        health.record_error(PLATFORM, "jetstream sent a frame that is not JSON")
                        continue
                    if isinstance(event, dict):
                        batch.add(event)
                if buffer.due():
                    count = batch.flush()
                    if count:
                        say(f"bluesky: {count} mentions stored")
    except WebSocketException as exc:
        raise OSError(f"jetstream connection lost: {exc}") from exc
    except netguard.NotPublic as exc:
        raise OSError(f"jetstream refused: {exc}") from exc
    finally:
        batch.flush()


def listen(
    connector: BlueskyConnector,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    max_sessions: int | None = None,
    say: Callable[[str], None] = logger.info,
    max_wait: float = 1.0,
) -> int:
    return run_with_reconnects(
        PLATFORM,
        lambda: consume(connector, should_stop=should_stop, say=say, max_wait=max_wait),
        should_stop=should_stop,
        sleep=sleep,
        max_sessions=max_sessions,
        say=say,
    )
