"""The queue socket as it was before presence deltas: the baseline bench/join_storm.py measures.

Each page that opens the queue counts the whole mentions table for the capacity figures,
builds and encodes its own snapshot, then broadcasts the whole online list (with what each
agent holds, read from PostgreSQL) to every open page: 200 joins make 200 x 200 presence
frames. Served by uvicorn as `bench.naive_presence:application`; never used by the
product. Not a benchmark itself: `make bench` skips it.
"""

from __future__ import annotations

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from core import events  # noqa: E402
from core.events import TRIAGE_FEED_GROUP, current_queue_seq  # noqa: E402
from core.roles import QUEUE_WORKERS, has_role  # noqa: E402
from core.sockets import LiveConsumer  # noqa: E402
from triage import presence  # noqa: E402
from triage.consumers import FORBIDDEN  # noqa: E402
from triage.models import Mention, MentionStatus  # noqa: E402
from triage.selectors import queue_stats, queue_top  # noqa: E402


def naive_snapshot() -> dict:
    seq = current_queue_seq()
    return {"type": "queue.snapshot", "seq": seq, "mentions": queue_top(), "stats": queue_stats()}


def announce(username: str, channel: str, joined: bool) -> None:
    (presence.joined if joined else presence.left)(username, channel)
    names = presence.online()
    held: dict[str, list[int]] = {name: [] for name in names}
    for pk, holder in Mention.objects.filter(
        status=MentionStatus.CLAIMED, claimed_by__username__in=names
    ).values_list("pk", "claimed_by__username")[:2000]:
        held[holder].append(pk)
    agents = [{"user": name, "holding": ids} for name, ids in held.items()]
    events._group_send(TRIAGE_FEED_GROUP, {"type": "naive.presence", "agents": agents})


class NaiveTriageConsumer(LiveConsumer):
    """The queue socket before the join-storm work (git history: triage/consumers.py)."""

    async def connect(self):
        user = self.scope.get("user")
        self.username, self.outbox, self.flusher = None, [], None
        if not await database_sync_to_async(has_role)(user, QUEUE_WORKERS):
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(TRIAGE_FEED_GROUP, self.channel_name)
        await self.accept()
        self.username = user.get_username()
        await self.send_json(await database_sync_to_async(naive_snapshot)())
        await database_sync_to_async(announce)(self.username, self.channel_name, True)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(TRIAGE_FEED_GROUP, self.channel_name)
        if self.flusher:
            self.flusher.cancel()
        if self.username:
            await database_sync_to_async(announce)(self.username, self.channel_name, False)

    async def queue_delta(self, event):
        if self.flusher is None or self.flusher.done():
            await self.send(text_data=event["json"])
            self.flusher = asyncio.ensure_future(self._hold_and_flush())
        else:
            self.outbox.append(event["json"])

    async def _hold_and_flush(self):
        while True:
            await asyncio.sleep(0.1)
            batch, self.outbox = self.outbox, []
            if not batch:
                return
            await self.send(text_data='{"type":"queue.deltas","deltas":[' + ",".join(batch) + "]}")

    async def naive_presence(self, event):
        await self.send_json({"type": "queue.presence", "agents": event["agents"]})


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/triage/", NaiveTriageConsumer.as_asgi())]))
        ),
    }
)
