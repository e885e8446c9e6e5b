import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from core import events
from core.events import FIRST_LINE_FEED_GROUP, TRIAGE_FEED_GROUP, TRIAGE_GROUP
from core.roles import LEADS, has_role_now
from core.sockets import Fanout, FedConsumer, localised, reader_language

from . import presence, snapshots, tiers

logger = logging.getLogger(__name__)

FORBIDDEN = 4403
# A delta goes out at once; the ones that follow within this long go as one frame
# ("queue.deltas"): at 100 new mentions a second a page gets four frames, not a hundred,
# and a quiet queue pays no delay. Read once per process, handed to every page (Fanout).
FLUSH_SECONDS = 0.25
# Joins and leaves in one websocket process go out together, at most this often: 200
# agents opening the queue at once cost a handful of presence messages, not 200 x 200.
PRESENCE_FLUSH_SECONDS = 0.5

# Presence calls are Redis only: off the thread that serialises this process's ORM calls.
_redis = sync_to_async(thread_sensitive=False)


FEEDS: dict[tiers.Reach, str] = {"all": TRIAGE_FEED_GROUP, "first_line": FIRST_LINE_FEED_GROUP}


def reach_now(user) -> tiers.Reach:
    """The user's reach (triage.tiers) read afresh: the socket outlives the account it opened with."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    fresh = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    return tiers.reach(fresh) if fresh is not None else "none"


def _join_presence(username: str, channel: str) -> tuple[bool, dict]:
    return presence.joined(username, channel), _presence_message()


def _presence_message() -> dict:
    return events.presence_event(*presence.snapshot())


def _publish_presence(usernames: set[str]) -> None:
    events.send_presence_delta(*presence.states(usernames))


class _PresenceBatch:
    """The agents whose presence changed in this process since the last delta, one per loop."""

    _by_loop: dict[asyncio.AbstractEventLoop, "_PresenceBatch"] = {}

    def __init__(self) -> None:
        self.changed: set[str] = set()
        self.flusher: asyncio.Task | None = None

    @classmethod
    def here(cls) -> "_PresenceBatch":
        loop = asyncio.get_running_loop()
        for old in [other for other in cls._by_loop if other.is_closed()]:
            del cls._by_loop[old]
        return cls._by_loop.setdefault(loop, cls())

    def add(self, *usernames: str) -> None:
        self.changed.update(usernames)
        if self.changed and (self.flusher is None or self.flusher.done()):
            self.flusher = asyncio.ensure_future(self._flush_soon())

    async def flush(self) -> None:
        batch, self.changed = self.changed, set()
        if batch:
            try:
                await _redis(_publish_presence)(batch)
            except Exception:  # Redis away: the pages resync on their next gap or reconnect
                logger.exception("presence delta for %d agents not sent", len(batch))

    async def _flush_soon(self) -> None:
        await asyncio.sleep(PRESENCE_FLUSH_SECONDS)
        await self.flush()


class TriageConsumer(FedConsumer):
    """/ws/triage/: a snapshot on connect or on request, then numbered deltas.

    Actions (claim, reply, ...) go through the HTTP API, which calls the services;
    this consumer only delivers, and keeps the presence list. Deltas and presence come
    through the process's Fanout; alerts and reply states, per page, through the group.
    """

    async def connect(self):
        user = self.scope.get("user")
        self.username = None
        self.feed: Fanout | None = None
        self.heartbeat: asyncio.Task | None = None
        self.hold_frames()
        # The reach decides the feed (first-line pages get the first-line feed: triage.tiers).
        # Fed before the snapshot is read so no delta falls between the two; frames are held
        # until it is sent, and never released to a page that is refused. Three hops in all, two
        # to PostgreSQL and one to Redis: a join storm queues on them (docs/benchmarks.md).
        self.reach = await database_sync_to_async(reach_now)(user)
        if self.reach == "none":
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(TRIAGE_GROUP, self.channel_name)
        self.feed = await Fanout.join(FEEDS[self.reach], self, hold=FLUSH_SECONDS)
        snapshot = await database_sync_to_async(snapshots.snapshot_json)(self.reach)
        await self.accept()
        self.username = user.get_username()
        await self.send(text_data=snapshot)
        newly_online, online = await _redis(_join_presence)(self.username, self.channel_name)
        if newly_online:
            _PresenceBatch.here().add(self.username)
        await self.send_json(online)
        self.release_frames()
        self.heartbeat = asyncio.ensure_future(self._keep_present())

    async def _keep_present(self):
        while True:
            await asyncio.sleep(presence.HEARTBEAT_SECONDS)
            # Behind the push of core.sessions: an account changed where no signal fires (a
            # database edit, a lost message) is caught within one heartbeat.
            if not await self._still_in_reach():
                return
            await _redis(presence.seen)(self.username, self.channel_name)
            # Agents whose websocket process died are only ever dropped here, by a live one.
            _PresenceBatch.here().add(*await _redis(presence.prune)())

    async def disconnect(self, code):
        await self.channel_layer.group_discard(TRIAGE_GROUP, self.channel_name)
        if self.feed:
            self.feed.leave(self)
        self.stop_frames()
        if self.heartbeat:
            self.heartbeat.cancel()
        if self.username and await _redis(presence.left)(self.username, self.channel_name):
            _PresenceBatch.here().add(self.username)

    async def _still_in_reach(self) -> bool:
        """Roles read afresh; a socket whose account lost the queue, or changed tier, is closed."""
        now = await database_sync_to_async(reach_now)(self.scope.get("user"))
        if now == self.reach:
            return True
        await self.stop_for(FORBIDDEN if now == "none" else self.RECHECK)
        return False

    def on_stop(self) -> None:
        if self.feed:
            self.feed.leave(self)
        super().on_stop()

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if self.closing or kind not in ("resync", "presence.resync"):
            return
        # Snapshots only to an account that may still read them, at its reach of now.
        if not await self._still_in_reach():
            return
        if kind == "resync":
            await self.send(text_data=await database_sync_to_async(snapshots.snapshot_json)(self.reach))
        else:
            await self.send_json(await _redis(_presence_message)())

    async def triage_alert(self, event):
        # Alerts are the comms lead's. Other agents get only a quiet nudge on a breach, to
        # refresh the queue's breach count (theirs too), without the alert itself.
        if self.closing:
            return
        if await database_sync_to_async(has_role_now)(self.scope.get("user"), LEADS):
            lang = await database_sync_to_async(reader_language)(self.scope)
            await self.send_json(localised(event, lang))
        elif event["kind"] == "sla_breach":
            nudge = {"type": "triage.alert", "id": event["id"], "kind": "sla_breach", "quiet": True}
            await self.send_json(nudge)
