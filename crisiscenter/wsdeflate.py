"""uvicorn's websocket protocol with permessage-deflate compressed once per message, not per page.

    uvicorn crisiscenter.asgi:application --ws crisiscenter.wsdeflate:SharedDeflateProtocol

Browsers always offer permessage-deflate. With uvicorn's own protocol every connection keeps
a compression context of its own (context takeover), so the same queue frame sent to 200
pages is deflated 200 times: at 100 mentions a second that was most of the websocket
process's CPU, and the join storm's delivery p99 (docs/benchmarks.md, "Join storm").

Here the server answers the offer with `server_no_context_takeover` (RFC 7692, 7.1.1.1: a
server may add it whatever the client asked; every browser accepts it). Each message is
then compressed on its own, from an empty window, so its compressed bytes depend only on
the text, the window size and the settings: the first page's send compresses a frame, and
every other page of the process sending the same text gets the same bytes from a small
cache. Small frames (a presence delta, a pong) are compressed as before, per connection.

Same negotiation otherwise as uvicorn's (window 2^12 both ways, memLevel 5), and the
client's side (its own context takeover, its window) is untouched.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import CONT, CTRL_OPCODES, Frame
from websockets.server import ServerProtocol

# What uvicorn's --ws takes to serve with it.
WS_PROTOCOL = "crisiscenter.wsdeflate:SharedDeflateProtocol"
# Below this size a frame is compressed per connection: sharing saves little, and the cache
# keeps room for the large frames that are sent to every page.
SHARE_FROM_BYTES = 512
CACHE_FRAMES = 64
WINDOW_BITS = 12
COMPRESS_SETTINGS = {"memLevel": 5}
_EMPTY_UNCOMPRESSED_BLOCK = b"\x00\x00\xff\xff"


class _Compressed:
    """The last CACHE_FRAMES large messages, compressed: {(text bytes, window bits): payload}."""

    def __init__(self) -> None:
        self.frames: OrderedDict[tuple[bytes, int], bytes] = OrderedDict()
        self.lock = threading.Lock()  # one event loop per process in practice; cheap either way
        self.hits = self.misses = 0

    def get(self, data: bytes, bits: int, settings: dict[str, Any]) -> bytes:
        key = (data, bits)
        with self.lock:
            payload = self.frames.get(key)
            if payload is not None:
                self.frames.move_to_end(key)
                self.hits += 1
                return payload
        compressor = zlib.compressobj(wbits=-bits, **settings)
        payload = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        assert payload[-4:] == _EMPTY_UNCOMPRESSED_BLOCK  # nosec B101: zlib's sync flush marker
        payload = payload[:-4]
        with self.lock:
            self.misses += 1
            self.frames[key] = payload
            while len(self.frames) > CACHE_FRAMES:
                self.frames.popitem(last=False)
        return payload


compressed = _Compressed()


class SharedPerMessageDeflate(PerMessageDeflate):
    """PerMessageDeflate whose whole large messages come from the shared cache (no context
    takeover on our side, so a message's bytes are the same on every connection)."""

    def encode(self, frame: Frame) -> Frame:
        if (
            frame.opcode in CTRL_OPCODES
            or frame.opcode is CONT
            or not frame.fin
            or not self.local_no_context_takeover
            or len(frame.data) < SHARE_FROM_BYTES
        ):
            return super().encode(frame)
        payload = compressed.get(bytes(frame.data), self.local_max_window_bits, self.compress_settings)
        return Frame(frame.opcode, payload, True, True, frame.rsv2, frame.rsv3)


class SharedDeflateFactory(ServerPerMessageDeflateFactory):
    """Negotiates as uvicorn does, plus server_no_context_takeover, and hands out the shared kind."""

    def __init__(self) -> None:
        super().__init__(
            server_no_context_takeover=True,
            server_max_window_bits=WINDOW_BITS,
            client_max_window_bits=WINDOW_BITS,
            compress_settings=dict(COMPRESS_SETTINGS),
        )

    def process_request_params(self, params, accepted_extensions) -> tuple[list, Extension]:
        response, extension = super().process_request_params(params, accepted_extensions)
        assert isinstance(extension, PerMessageDeflate)  # nosec B101: what the parent returns
        shared = SharedPerMessageDeflate(
            extension.remote_no_context_takeover,
            extension.local_no_context_takeover,
            extension.remote_max_window_bits,
            extension.local_max_window_bits,
            extension.compress_settings,
        )
        return response, shared


class SharedDeflateProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websockets protocol, with SharedDeflateFactory when deflate is on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.ws_per_message_deflate:
            self.conn = ServerProtocol(
                extensions=[SharedDeflateFactory()],
                max_size=self.config.ws_max_size,
                logger=self.conn.logger,
            )
