"""channels_redis's pub/sub channel layer, with leaving a group that cannot be cut halfway.

channels_redis 4.3.0 (`RedisSingleShardConnection.unsubscribe`) sends UNSUBSCRIBE to Redis,
then notes that the process is no longer subscribed. A caller cancelled between the two
(a consumer's disconnect() cut short, a server stopping) leaves Redis unsubscribed while
the shard still believes it is subscribed: every later group_add of that group in the
process is then a no-op, and the group's messages (alerts, the crisis state) never reach
that process's pages again. Here the unsubscribe always runs to its end, whatever happens
to the caller (tests/integration/test_group_delivery.py; docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer
from channels_redis.utils import _wrap_close


class _LoopLayer(RedisPubSubLoopLayer):
    async def group_discard(self, group: str, channel: str) -> None:
        # The bookkeeping before the await is synchronous; only the unsubscribe can be cut.
        await asyncio.shield(super().group_discard(group, channel))


class PubSubChannelLayer(RedisPubSubChannelLayer):
    """RedisPubSubChannelLayer whose group_discard finishes even when its caller is cancelled."""

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer
