"""Every realtime event: its payload type and the one way to send it (after commit).

Consumers forward these to browsers as they are, so the `type` of each payload is
also the websocket message type the JavaScript switches on.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypedDict

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

STATE_GROUP = "state"
TRIAGE_GROUP = "triage"
# The queue's deltas and presence: the same text for every page, read once per websocket
# process and handed to its pages (core.sockets.Fanout), never dispatched page by page.
TRIAGE_FEED_GROUP = "triage.feed"
# The same feed narrowed to first-line items, for the pages of volunteers and outside teams
# (triage.tiers): encoded once more per change, never filtered page by page. A delta with no
# first-line item still goes out here, empty, so those pages see no gap in the numbers.
FIRST_LINE_FEED_GROUP = "triage.feed.first_line"
FIRST_LINE = "first_line"  # the `tier` of a mention payload that every queue worker may see
FEED_GROUPS = (TRIAGE_FEED_GROUP, FIRST_LINE_FEED_GROUP)


def user_group(user_id: int) -> str:
    """Every open socket of one user: told to close when the user logs out, is deactivated or
    changes roles (core.sessions)."""
    return f"user.{user_id}"


QueueDeltaKind = Literal["new", "claimed", "released", "replied", "resolved", "dismissed", "updated"]


class CrisisState(TypedDict):
    mode: Literal["normal", "crisis", "drill"]
    crisis_id: int | None
    title: str
    activated_at: str | None
    phase: Literal["active", "aftermath", "closed", "reviewed"] | None


def crisis_group(crisis_id: int) -> str:
    """Everyone watching one crisis's room (checklist ticks, deliveries, phase)."""
    return f"crisis.{crisis_id}"


class ChecklistTaskPayload(TypedDict):
    id: int
    done: bool
    done_at: str | None
    done_by: str | None
    automated: bool


class ChecklistEvent(TypedDict):
    type: Literal["checklist.tasks"]
    crisis_id: int
    tasks: list[ChecklistTaskPayload]
    done: int
    total: int


class DeliveryPayload(TypedDict):
    id: int
    department: str
    channel: str
    target: str
    state: str
    error: str
    attempts: int


class DeliveryEvent(TypedDict):
    type: Literal["department.delivery"]
    crisis_id: int
    delivery: DeliveryPayload


class CrisisStateEvent(TypedDict):
    type: Literal["crisis.state"]
    state: CrisisState


class QueueDeltaEvent(TypedDict):
    type: Literal["queue.delta"]
    seq: int
    kind: QueueDeltaKind
    mentions: list[dict[str, Any]]


class RoomMessagePayload(TypedDict):
    id: int
    crisis_id: int
    room: str
    author: str
    body: str
    posted_at: str


class RoomMessageEvent(TypedDict):
    type: Literal["room.message"]
    message: RoomMessagePayload


def room_group(crisis_id: int, room: str) -> str:
    return f"room.{crisis_id}.{room}"


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


@cache
def _sync_publisher() -> tuple[RedisPubSubChannelLayer, redis.Redis, str] | None:
    """The pub/sub layer with one Redis host: sync code can publish to a group directly."""
    layer = get_channel_layer()
    config = settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    hosts = config.get("hosts") or []
    if not isinstance(layer, RedisPubSubChannelLayer) or len(hosts) != 1:
        return None
    address = hosts[0]["address"] if isinstance(hosts[0], dict) else hosts[0]
    return layer, redis.Redis.from_url(address, socket_timeout=5), config.get("prefix", "asgi")


def pubsub_channel(group: str) -> tuple[str, str] | None:
    """(Redis address, channel name) on which the pub/sub layer carries `group`'s messages."""
    publisher = _sync_publisher()
    if publisher is None:
        return None
    hosts = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    address = hosts[0]["address"] if isinstance(hosts[0], dict) else hosts[0]
    return address, f"{publisher[2]}__group__{group}"


def _on_commit(send: Callable[[], None], robust: bool = True) -> None:
    # Run with the log context of the change (core.logs): the broadcast line of a batch
    # names the batch even when the commit happens further out.
    context = contextvars.copy_context()
    transaction.on_commit(lambda: context.run(send), robust=robust)


def _group_send(group: str, event: dict[str, Any]) -> None:
    # async_to_sync(group_send) starts an event loop and a Redis connection on every call:
    # about 4 ms of CPU per claim or delta (docs/benchmarks.md). A PUBLISH of the same bytes
    # on the same channel name as channels_redis's pub/sub layer reaches the same consumers.
    publisher = _sync_publisher()
    if publisher is None:
        async_to_sync(get_channel_layer().group_send)(group, event)
        return
    layer, client, prefix = publisher
    client.publish(f"{prefix}__group__{group}", layer.serialize(event))


def send_crisis_state(state: CrisisState) -> None:
    event: CrisisStateEvent = {"type": "crisis.state", "state": state}
    _on_commit(lambda: _group_send(STATE_GROUP, dict(event)), robust=True)


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
        text = json.dumps(event, separators=(",", ":"))
        _group_send(TRIAGE_FEED_GROUP, {"type": "queue.delta", "json": text, "merge": "queue.deltas"})
        first_line = [m for m in mentions if m.get("tier") == FIRST_LINE]
        narrow = (
            text
            if len(first_line) == len(mentions)
            else json.dumps({**event, "mentions": first_line}, separators=(",", ":"))
        )
        _group_send(FIRST_LINE_FEED_GROUP, {"type": "queue.delta", "json": narrow, "merge": "queue.deltas"})
        logger.info("queue delta %s sent: %s, %s mentions", event["seq"], kind, len(mentions))

    _on_commit(send, robust=True)


def send_checklist(event: ChecklistEvent) -> None:
    """Ticks (by a person or an automated action) to everyone watching the crisis."""
    _on_commit(lambda: _group_send(crisis_group(event["crisis_id"]), dict(event)), robust=True)


def send_delivery(event: DeliveryEvent) -> None:
    _on_commit(lambda: _group_send(crisis_group(event["crisis_id"]), dict(event)), robust=True)


class AlertEvent(TypedDict):
    """To the comms lead: new SLA breaches, a spike, a missed hub update. Sent to the state and
    queue groups; the consumers forward it to leads/admins only (agents get a quiet breach nudge)."""

    type: Literal["triage.alert"]
    id: int
    kind: Literal["sla_breach", "spike", "hub_overdue"]
    message: str  # in English here; each consumer renders code and params in its reader's language
    code: str
    params: dict[str, Any]
    created_at: str
    details: dict[str, Any]


class ReplyStatusEvent(TypedDict):
    """Not numbered: a reply's sending state is shown in the detail pane, not the queue's order."""

    type: Literal["reply.status"]
    reply: int
    mention: int
    status: Literal["sending", "sent", "failed"]
    error: str


class PresenceEvent(TypedDict):
    """Everyone online at `seq`: what a page starts from, and resyncs to after a gap."""

    type: Literal["queue.presence"]
    seq: int
    agents: list[dict[str, Any]]


class PresenceDeltaEvent(TypedDict):
    """Who came online and who went, as of `seq` (triage.presence numbers them)."""

    type: Literal["queue.presence.delta"]
    seq: int
    joined: list[str]
    left: list[str]


def send_alert(alert: AlertEvent) -> None:
    def send() -> None:
        _group_send(STATE_GROUP, dict(alert))
        _group_send(TRIAGE_GROUP, dict(alert))

    _on_commit(send, robust=True)


def send_reply_status(event: ReplyStatusEvent, *, tier: str) -> None:
    """To every open queue that may see the mention (`tier`, its tier), through the per-process
    feed like the deltas (encoded once)."""
    text = json.dumps(event, separators=(",", ":"))
    groups = FEED_GROUPS if tier == FIRST_LINE else (TRIAGE_FEED_GROUP,)

    def send() -> None:
        for group in groups:
            _group_send(group, {"type": "reply.status", "json": text})

    _on_commit(send, robust=True)


def presence_event(seq: int, online: list[str]) -> PresenceEvent:
    return {"type": "queue.presence", "seq": seq, "agents": [{"user": name} for name in online]}


def send_presence_delta(seq: int, joined: list[str], left: list[str]) -> None:
    """One group message for a whole batch of joins and leaves, encoded once for every page.

    Sent at once, not on commit: presence lives in Redis, outside any transaction.
    """
    event: PresenceDeltaEvent = {"type": "queue.presence.delta", "seq": seq, "joined": joined, "left": left}
    text = json.dumps(event, separators=(",", ":"))
    for group in FEED_GROUPS:
        _group_send(group, {"type": "queue.presence", "json": text})


class SessionCloseEvent(TypedDict):
    """To one user's sockets: close now. `session`: only the socket of that session (a hash of
    its key; logout), or None: every socket of the user (deactivated, roles changed)."""

    type: Literal["session.close"]
    session: str | None


def send_session_close(user_id: int, session: str | None = None) -> None:
    """After commit (a role change rolled back closes nothing); at once outside a transaction."""
    event: SessionCloseEvent = {"type": "session.close", "session": session}
    _on_commit(lambda: _group_send(user_group(user_id), dict(event)), robust=True)


def send_room_message(message: RoomMessagePayload) -> None:
    event: RoomMessageEvent = {"type": "room.message", "message": message}
    group = room_group(message["crisis_id"], message["room"])
    _on_commit(lambda: _group_send(group, dict(event)), robust=True)
