"""Every realtime event: its payload type and the one way to send it (after commit).

Consumers forward these to browsers as they are, so the `type` of each payload is
also the websocket message type the JavaScript switches on.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

logger = logging.getLogger(__name__)

STATE_GROUP = "state"
TRIAGE_GROUP = "triage"

QueueDeltaKind = Literal["new", "claimed", "released", "replied", "resolved", "dismissed"]


class CrisisState(TypedDict):
    mode: Literal["normal", "crisis", "drill"]
    crisis_id: int | None
    title: str
    activated_at: str | None


class CrisisStateEvent(TypedDict):
    type: Literal["crisis.state"]
    state: CrisisState


class QueueDeltaEvent(TypedDict):
    type: Literal["queue.delta"]
    seq: int
    kind: QueueDeltaKind
    mentions: list[dict[str, Any]]


def next_queue_seq() -> int:
    # Taken after commit, so every delta numbered <= a snapshot's seq is already
    # visible to the snapshot query that follows it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('triage_queue_seq')")
        return cursor.fetchone()[0]


def current_queue_seq() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM triage_queue_seq")
        return cursor.fetchone()[0]


def _group_send(group: str, event: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(group, event)


def send_crisis_state(state: CrisisState) -> None:
    event: CrisisStateEvent = {"type": "crisis.state", "state": state}
    transaction.on_commit(lambda: _group_send(STATE_GROUP, dict(event)), robust=True)


def send_queue_delta(kind: QueueDeltaKind, mentions: list[dict[str, Any]]) -> None:
    """One group message for a whole change (a batch of new mentions, a claim, ...)."""
    if not mentions:
        return

    def send() -> None:
        event: QueueDeltaEvent = {
            "type": "queue.delta",
            "seq": next_queue_seq(),
            "kind": kind,
            "mentions": mentions,
        }
        # Encoded once here, not once per connected browser: with 50 agents online the
        # websocket process spent its CPU re-encoding the same delta (docs/benchmarks.md).
        _group_send(TRIAGE_GROUP, {"type": "queue.delta", "json": json.dumps(event, separators=(",", ":"))})

    transaction.on_commit(send, robust=True)
