"""Fixed-window counters in Redis, shared by every web process: how often a caller may do
something that costs us (a webhook challenge, a log line about a refused call)."""

from __future__ import annotations

import os
from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def _connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5)


def _client() -> redis.Redis:
    # One client per address, made once: building a redis.Redis costs more than a round trip.
    return _connect(settings.REDIS_URL)


def _key(name: str) -> str:
    # CHANNEL_PREFIX isolates test runs sharing a Redis database from each other.
    return ":".join(["cc", os.environ.get("CHANNEL_PREFIX", "cc"), "limit", name])


def count(name: str, *, window_s: int = 60) -> int:
    """Count one more call of `name` in its window of `window_s` seconds, in one round trip; the
    count so far. Redis 6.2 (embedded) has no EXPIRE NX: SET NX EX starts the window with its
    first call. RedisError when Redis cannot be reached."""
    key = _key(name)
    pipe = _client().pipeline(transaction=False)
    pipe.set(key, 0, ex=window_s, nx=True)
    pipe.incr(key)
    _, counted = pipe.execute()
    return int(counted)


def counted(name: str) -> int:
    """How many calls of `name` its current window has counted."""
    return int(_client().get(_key(name)) or 0)


def within_limit(name: str, *, limit: int, window_s: int = 60) -> bool:
    """Count one more call of `name`; False once more than `limit` were counted in its window."""
    return count(name, window_s=window_s) <= limit


def reset() -> int:
    """Forget every counter of this installation (tests)."""
    keys = list(_client().scan_iter(match=_key("*"), count=500))
    return _client().delete(*keys) if keys else 0
