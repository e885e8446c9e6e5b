import asyncio

from channels.db import database_sync_to_async

from core import events
from core.events import TRIAGE_GROUP, current_queue_seq
from core.roles import LEADS, QUEUE_WORKERS, has_role, has_role_now
from core.sockets import LiveConsumer

from . import presence
from .selectors import queue_stats, queue_top

FORBIDDEN = 4403
# A delta goes out at once; the ones that follow within this long go as one frame
# ("queue.deltas"): at 100 new mentions a second a page gets ten frames, not a hundred,
# and a quiet queue pays no delay.
FLUSH_SECONDS = 0.1


def _snapshot() -> dict:
    seq = current_queue_seq()  # read before the rows: deltas up to seq are in them
    return {"type": "queue.snapshot", "seq": seq, "mentions": queue_top(), "stats": queue_stats()}


def _presence_changed(username: str, channel: str, joined: bool) -> None:
    (presence.seen if joined else presence.left)(username, channel)
    events.send_presence(presence.holding())


class TriageConsumer(LiveConsumer):
    """/ws/triage/: a snapshot on connect or on request, then numbered deltas.

    Actions (claim, reply, ...) go through the HTTP API, which calls the services;
    this consumer only delivers, and keeps the presence list.
    """

    async def connect(self):
        user = self.scope.get("user")
        self.username = None
        self.outbox: list[str] = []
        self.flusher: asyncio.Task | None = None
        self.heartbeat: asyncio.Task | None = None
        if not await database_sync_to_async(has_role)(user, QUEUE_WORKERS):
            await self.close(code=FORBIDDEN)
            return
        # Join before the snapshot so no delta falls between the two.
        await self.channel_layer.group_add(TRIAGE_GROUP, self.channel_name)
        await self.accept()
        self.username = user.get_username()
        await self.send_json(await database_sync_to_async(_snapshot)())
        await database_sync_to_async(_presence_changed)(self.username, self.channel_name, True)
        self.heartbeat = asyncio.ensure_future(self._keep_present())

    async def _keep_present(self):
        while True:
            await asyncio.sleep(presence.HEARTBEAT_SECONDS)
            await database_sync_to_async(presence.seen)(self.username, self.channel_name)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(TRIAGE_GROUP, self.channel_name)
        for task in (self.flusher, self.heartbeat):
            if task:
                task.cancel()
        if self.username:
            await database_sync_to_async(_presence_changed)(self.username, self.channel_name, False)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "resync":
            await self.send_json(await database_sync_to_async(_snapshot)())

    async def queue_delta(self, event):
        # Each delta arrives as JSON text, encoded once by core.events for every browser.
        if self.flusher is None or self.flusher.done():
            await self.send(text_data=event["json"])
            self.flusher = asyncio.ensure_future(self._hold_and_flush())
        else:
            self.outbox.append(event["json"])

    async def _hold_and_flush(self):
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            batch, self.outbox = self.outbox, []
            if not batch:
                return
            await self.send(text_data='{"type":"queue.deltas","deltas":[' + ",".join(batch) + "]}")

    async def triage_alert(self, event):
        # Alerts are the comms lead's. Other agents get only a quiet nudge on a breach, to
        # refresh the queue's breach count (theirs too), without the alert itself.
        if await database_sync_to_async(has_role_now)(self.scope.get("user"), LEADS):
            await self.send_json(event)
        elif event["kind"] == "sla_breach":
            nudge = {"type": "triage.alert", "id": event["id"], "kind": "sla_breach", "quiet": True}
            await self.send_json(nudge)

    async def reply_status(self, event):
        await self.send_json(event)

    async def queue_presence(self, event):
        await self.send_json(event)
