"""The base of every websocket consumer."""

import contextlib

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A consumer whose disconnect() runs however the browser goes away.

    A group event can be on its way to a page at the moment the browser closes it. The
    server then refuses the send with an OSError (the ASGI rule; uvicorn raises its
    ClientDisconnected). Let through, that error ends the consumer on the spot and
    disconnect() never runs: no group_discard, and on the queue no "left" for presence,
    so the other pages keep showing the agent online. The server has already queued
    websocket.disconnect by then, so the send is dropped and that event ends the
    consumer the normal way.
    """

    async def __call__(self, scope, receive, send):
        async def send_unless_gone(message):
            with contextlib.suppress(OSError):
                await send(message)

        await super().__call__(scope, receive, send_unless_gone)
