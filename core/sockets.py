"""The base of every websocket consumer."""

import contextlib
import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer

logger = logging.getLogger(__name__)


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
    """

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
