"""Fixed-window counters in Redis, shared by every web process: how often a caller may do
something that costs us (a webhook challenge, a log line about a refused call)."""

from __future__ import annotations

import os
from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


def _key(name: str) -> str:
    # CHANNEL_PREFIX isolates test runs sharing a Redis database from each other.
    return ":".join(["cc", os.environ.get("CHANNEL_PREFIX", "cc"), "limit", name])


def within_limit(name: str, *, limit: int, window_s: int = 60) -> bool:
    """Count one more call of `name` in the current window of `window_s` seconds; False once
    more than `limit` were counted. Redis 6.2 (embedded) has no EXPIRE NX: SET NX EX starts
    the window with its first call."""
    key = _key(name)
    pipe = _client().pipeline()
    pipe.set(key, 0, ex=window_s, nx=True)
    pipe.incr(key)
    _, count = pipe.execute()
    return int(count) <= limit


def reset() -> int:
    """Forget every counter of this installation (tests)."""
    keys = list(_client().scan_iter(match=_key("*"), count=500))
    return _client().delete(*keys) if keys else 0
