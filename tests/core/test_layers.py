"""Leaving a group cannot be cut halfway (core.layers): the group keeps reaching the process."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from core.layers import PubSubChannelLayer


async def rejoin_after_a_cut_discard(layer_class: type) -> bool:
    """A page leaves group g, its disconnect cancelled once Redis has the UNSUBSCRIBE but before
    the layer notes it (Redis answering slowly); another page of the process joins g. Does
    it get g's messages?"""
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    layer = layer_class(hosts=config["hosts"], prefix=f"cut{layer_class.__name__}")
    try:
        leaving = await layer.new_channel()
        await layer.group_add("g", leaving)
        pubsub = layer._get_layer()._shards[0]._pubsub
        unsubscribe = pubsub.unsubscribe

        async def slow_answer(*names):
            await unsubscribe(*names)
            await asyncio.sleep(0.3)

        pubsub.unsubscribe = slow_answer
        discard = asyncio.ensure_future(layer.group_discard("g", leaving))
        await asyncio.sleep(0.1)
        discard.cancel()
        await asyncio.gather(discard, return_exceptions=True)
        await asyncio.sleep(0.4)
        pubsub.unsubscribe = unsubscribe
        staying = await layer.new_channel()
        await layer.group_add("g", staying)
        await layer.group_send("g", {"type": "triage.alert"})
        try:
            return (await asyncio.wait_for(layer.receive(staying), 2))["type"] == "triage.alert"
        except TimeoutError:
            return False
    finally:
        await layer.flush()


@pytest.mark.parametrize(
    ("layer_class", "delivered"), [(RedisPubSubChannelLayer, False), (PubSubChannelLayer, True)]
)
def test_a_group_left_by_a_cancelled_disconnect_still_reaches_the_next_page(layer_class, delivered):
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, as in the other layer tests
        assert thread.submit(asyncio.run, rejoin_after_a_cut_discard(layer_class)).result() is delivered
