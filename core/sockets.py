"""The base of every websocket consumer, and the one fan-out of a group to the pages of a process."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from typing import Protocol

import redis
import redis.asyncio
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from core import events, texts
from core.models import Profile
from core.sessions import session_tag

logger = logging.getLogger(__name__)


def reader_language(scope: dict) -> str:
    """The language a socket's reader reads: their profile's, else their browser's, else the site's.

    Channels runs no LocaleMiddleware, so a consumer asks here (once per rare event, or at connect).
    """
    user = scope.get("user")
    chosen = ""
    if user is not None and user.is_authenticated:
        chosen = Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
    headers = dict(scope.get("headers") or ())
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code in [chosen] + [code for code, _quality in parse_accept_lang_header(accept)]:
        if not code or code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def localised(event: dict, lang: str) -> dict:
    """An event carrying a coded `message` (code, params), with the message in lang."""
    if not event.get("code"):
        return event
    return {
        **event,
        "message": texts.render_in(lang, event["code"], event.get("params"), event.get("message", "")),
    }


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A consumer whose disconnect() runs however the browser goes away.

    A group event can be on its way to a page at the moment the browser closes it. The
    server then refuses the send with an OSError (the ASGI rule; uvicorn raises its
    ClientDisconnected). Let through, that error ends the consumer on the spot and
    disconnect() never runs: no group_discard, and on the queue no "left" for presence,
    so the other pages keep showing the agent online. The server has already queued
    websocket.disconnect by then, so the send is dropped and that event ends the
    consumer the normal way.

    Any other error in a handler (a database gone away during a role check, say) still
    ends the consumer, and the server closes the socket with 1011; disconnect() runs
    first, so the page is signed off and leaves its groups.

    Every socket of a signed-in user is in that user's group (core.events.user_group): a
    logout, a deactivation or a change of roles closes it at once (core.sessions) with
    RECHECK, and the page reconnects to be checked again (refused with 4403 if it may no
    longer read). Subclasses check roles on connect and again before they answer a message.
    """

    RECHECK = 4401
    user_group_name: str | None = None
    closing = False

    async def __call__(self, scope, receive, send):
        async def send_unless_gone(message):
            with contextlib.suppress(OSError):
                await send(message)

        try:
            await super().__call__(scope, receive, send_unless_gone)
        except Exception:
            logger.exception("%s failed on %s; signing it off", type(self).__name__, scope.get("path"))
            with contextlib.suppress(Exception):  # StopConsumer, or whatever connect() never set up
                await self.websocket_disconnect({"type": "websocket.disconnect", "code": 1011})
            raise

    async def websocket_connect(self, message):
        # Joined before connect() reads anything: a change made while it reads still closes it.
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            self.user_group_name = events.user_group(user.pk)
            await self.channel_layer.group_add(self.user_group_name, self.channel_name)
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message):
        if self.user_group_name is not None:
            with contextlib.suppress(Exception):  # leaving must not keep disconnect() from running
                await self.channel_layer.group_discard(self.user_group_name, self.channel_name)
            self.user_group_name = None
        await super().websocket_disconnect(message)

    def own_session(self) -> str | None:
        session = self.scope.get("session")
        return session_tag(getattr(session, "session_key", None)) if session is not None else None

    async def session_close(self, event):
        """This session logged out, or the account changed (core.sessions)."""
        if self.closing:
            return
        if event.get("session") is None:
            await self.account_changed()
        elif event["session"] == self.own_session():
            await self.stop_for(self.RECHECK)

    async def account_changed(self) -> None:
        """Roles, activity or password changed: stop here; the page reconnects and is checked
        afresh. A consumer that checks every message may look again instead."""
        await self.stop_for(self.RECHECK)

    async def stop_for(self, code: int) -> None:
        """Close once, and deliver nothing more from this moment (a subclass's feed included)."""
        if self.closing:
            return
        self.closing = True
        self.on_stop()
        await self.close(code=code)

    def on_stop(self) -> None:
        """What a subclass drops when it stops delivering."""


class Page(Protocol):
    def deliver(self, text: str) -> None: ...


class Fanout:
    """One subscription per process (per event loop) to a group whose every message is the same
    JSON text for every page, handed to each page of this process directly.

    Channels hands a group message to each consumer through a queue and a dispatch of its
    own: at 10 deltas a second to 200 pages that per-page machinery, not the network, was
    what held the websocket process back (docs/benchmarks.md, join storm). Here a message
    is read once, and the ones that arrive within `hold` seconds of the last frame go out
    together as one frame: at most 1/hold frames a second per page, whatever the rate of
    changes. A quiet group pays no delay: the first message after a quiet spell goes at once.

    Group messages carry `json` (the text) and may carry `merge` (a message type): texts
    with the same `merge` that go out together become one `{"type": merge, "deltas": [...]}`.
    """

    _here: dict[tuple[asyncio.AbstractEventLoop, str], Fanout] = {}

    def __init__(self, group: str, hold: float) -> None:
        self.group, self.hold = group, hold
        self.pages: set[Page] = set()
        self.pending: list[dict] = []
        self.subscribed: asyncio.Task | None = None
        self.reader: asyncio.Task | None = None
        self.flusher: asyncio.Task | None = None

    @classmethod
    async def join(cls, group: str, page: Page, *, hold: float) -> Fanout:
        """Add a page; every message published after this returns reaches it."""
        loop = asyncio.get_running_loop()
        for key in [key for key in cls._here if key[0].is_closed()]:
            del cls._here[key]
        fanout = cls._here.setdefault((loop, group), cls(group, hold))
        if fanout.subscribed is None or (fanout.subscribed.done() and fanout.subscribed.exception()):
            fanout.subscribed = asyncio.ensure_future(fanout._subscribe())
        await asyncio.shield(fanout.subscribed)
        fanout.pages.add(page)
        return fanout

    def leave(self, page: Page) -> None:
        self.pages.discard(page)

    async def _subscribe(self) -> None:
        layer = get_channel_layer()
        direct = events.pubsub_channel(self.group)
        if direct is None:  # another layer (tests' in-memory one): a channel of our own in the group
            channel = await layer.new_channel()
            await layer.group_add(self.group, channel)
            self.reader = asyncio.ensure_future(self._read_layer(layer, channel))
            return
        # With the pub/sub layer, subscribe to the group's Redis channel ourselves: one
        # connection that does nothing else, not a channel among the consumers' ones.
        address, name = direct
        pubsub = redis.asyncio.Redis.from_url(address).pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(name)
        self.reader = asyncio.ensure_future(self._read_redis(layer, pubsub, address, name))

    async def _read_layer(self, layer, channel: str) -> None:
        while True:
            self._take(await layer.receive(channel))

    async def _read_redis(self, layer, pubsub, address: str, name: str) -> None:
        while True:
            try:
                message = await pubsub.get_message(timeout=30)
            except (redis.RedisError, OSError) as exc:
                # Redis went away: pages see a gap in the numbers when it is back, and resync.
                logger.warning("fan-out of %s lost Redis (%s); subscribing again", self.group, exc)
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                pubsub = redis.asyncio.Redis.from_url(address).pubsub(ignore_subscribe_messages=True)
                with contextlib.suppress(redis.RedisError, OSError):
                    await pubsub.subscribe(name)
                continue
            if message is not None and message["type"] == "message":
                self._take(layer.deserialize(message["data"]))

    def _take(self, message: dict) -> None:
        self.pending.append(message)
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        # Hands out what is pending, then holds: what arrives meanwhile waits for the next round.
        while self.pending:
            batch, self.pending = self.pending, []
            for text in frames(batch):
                for page in list(self.pages):
                    try:
                        page.deliver(text)
                    except Exception:
                        logger.exception("a frame to %s failed", type(page).__name__)
            await asyncio.sleep(self.hold)


def frames(batch: list[dict]) -> list[str]:
    """The frames for a batch of group messages, in order, `merge`-able ones merged."""
    out: list[str | tuple[str, list[str]]] = []
    merging: dict[str, list[str]] = {}
    for message in batch:
        merge = message.get("merge")
        if merge is None:
            out.append(message["json"])
        elif merge in merging:
            merging[merge].append(message["json"])
        else:
            merging[merge] = [message["json"]]
            out.append((merge, merging[merge]))
    return [frame if isinstance(frame, str) else _merged(*frame) for frame in out]


def _merged(kind: str, texts: list[str]) -> str:
    return texts[0] if len(texts) == 1 else f'{{"type":"{kind}","deltas":[{",".join(texts)}]}}'


class FedConsumer(LiveConsumer):
    """A consumer fed by a Fanout: frames wait while the page is being set up (`hold_frames`),
    then go out in order, each page at its own pace.

    A page that stops reading (a laptop asleep) would make its frames pile up in memory: past
    MAX_OUTBOX it is closed with 1013 ("try again later"); it reconnects and starts afresh.
    """

    MAX_OUTBOX = 200
    TRY_AGAIN_LATER = 1013

    def hold_frames(self) -> None:
        self.outbox: collections.deque[str] = collections.deque()
        self.backlog: list[str] | None = []
        self.sender: asyncio.Task | None = None

    def release_frames(self) -> None:
        held, self.backlog = self.backlog or [], None
        for text in held:
            self.deliver(text)

    def deliver(self, text: str) -> None:
        if self.closing:
            return
        if self.backlog is not None:
            self.backlog.append(text)
            return
        if len(self.outbox) >= self.MAX_OUTBOX:
            self.outbox.clear()
            logger.warning("%s: a page stopped reading; closing it", type(self).__name__)
            self.stop_frames()
            self.sender = asyncio.ensure_future(self.close(code=self.TRY_AGAIN_LATER))
            return
        self.outbox.append(text)
        if self.sender is None or self.sender.done():
            self.sender = asyncio.ensure_future(self._send_outbox())

    async def _send_outbox(self) -> None:
        while self.outbox:
            await self.send(text_data=self.outbox.popleft())

    def stop_frames(self) -> None:
        if self.sender:
            self.sender.cancel()

    def on_stop(self) -> None:
        if hasattr(self, "outbox"):
            self.outbox.clear()
            self.stop_frames()
