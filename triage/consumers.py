from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from crisiscenter.events import TRIAGE_GROUP, current_queue_seq
from crisiscenter.roles import QUEUE_WORKERS, has_role

from .selectors import queue_stats, queue_top

FORBIDDEN = 4403


def _snapshot() -> dict:
    seq = current_queue_seq()  # read before the rows: deltas up to seq are in them
    return {"type": "queue.snapshot", "seq": seq, "mentions": queue_top(), "stats": queue_stats()}


class TriageConsumer(AsyncJsonWebsocketConsumer):
    """/ws/triage/: a snapshot on connect or on request, then numbered deltas.

    Actions (claim, reply, ...) go through the HTTP API, which calls the services;
    this consumer only delivers.
    """

    async def connect(self):
        user = self.scope.get("user")
        if not await database_sync_to_async(has_role)(user, QUEUE_WORKERS):
            await self.close(code=FORBIDDEN)
            return
        # Join before the snapshot so no delta falls between the two.
        await self.channel_layer.group_add(TRIAGE_GROUP, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(_snapshot)())

    async def disconnect(self, code):
        await self.channel_layer.group_discard(TRIAGE_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "resync":
            await self.send_json(await database_sync_to_async(_snapshot)())

    async def queue_delta(self, event):
        # the delta arrives as JSON text, encoded once by crisiscenter.events for every browser
        await self.send(text_data=event["json"])
