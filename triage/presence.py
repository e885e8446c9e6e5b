"""Who has the queue open: a Redis sorted set of open sockets, each refreshed by its consumer.

Members are "username|channel name", scored by when that socket last said it is alive.
A socket closed normally is removed at once; one whose process died simply stops being
refreshed and drops out after STALE_SECONDS, so nobody stays "online" for ever.
"""

from __future__ import annotations

import time
from functools import cache

import redis
from django.conf import settings

from .models import Mention, MentionStatus

# Prefixed like the channel layer, so a test run never sees the pages of a `make run`.
KEY = f"{settings.CHANNEL_LAYERS['default']['CONFIG'].get('prefix', 'cc')}:triage:presence"
HEARTBEAT_SECONDS = 30
STALE_SECONDS = 90


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def _member(username: str, channel: str) -> str:
    return f"{username}|{channel}"


def seen(username: str, channel: str) -> None:
    _client().zadd(KEY, {_member(username, channel): time.time()})


def left(username: str, channel: str) -> None:
    _client().zrem(KEY, _member(username, channel))


def online() -> list[str]:
    client = _client()
    try:
        client.zremrangebyscore(KEY, "-inf", time.time() - STALE_SECONDS)
        members = client.zrange(KEY, 0, -1)
    except redis.RedisError:
        return []  # the panel shows nobody online rather than failing the page
    return sorted({m.decode().split("|", 1)[0] for m in members})


def holding() -> list[dict]:
    """Each online agent and the mentions they hold."""

    names = online()
    held: dict[str, list[int]] = {name: [] for name in names}
    for pk, username in Mention.objects.filter(
        status=MentionStatus.CLAIMED, claimed_by__username__in=names
    ).values_list("pk", "claimed_by__username")[:2000]:
        held[username].append(pk)
    return [{"user": name, "holding": ids} for name, ids in held.items()]
