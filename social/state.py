"""Small connector state kept in Redis, shared by every web and worker process: which
webhook deliveries were already stored (replays store nothing new) and polling cursors."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


def _key(*parts: str) -> str:
    # CHANNEL_PREFIX isolates test runs sharing a Redis database from each other.
    return ":".join(["cc", os.environ.get("CHANNEL_PREFIX", "cc"), *parts])


def _delivery_key(platform: str, body: bytes) -> str:
    return _key("delivery", platform, hashlib.sha256(body).hexdigest())


def delivery_seen(platform: str, body: bytes) -> bool:
    return bool(_client().exists(_delivery_key(platform, body)))


def remember_delivery(platform: str, body: bytes) -> None:
    """Called once the delivery is stored: the same bytes again are a replay."""
    _client().set(_delivery_key(platform, body), 1, ex=max(settings.WEBHOOK_MAX_AGE_S, 60))


def within_limit(name: str, *, limit: int, window_s: int = 60) -> bool:
    """Count one more call of `name` in the current window of `window_s` seconds (shared by
    every process); False once more than `limit` were counted."""
    key = _key("limit", name)
    pipe = _client().pipeline()
    pipe.set(key, 0, ex=window_s, nx=True)  # the window starts with its first call
    pipe.incr(key)
    _, count = pipe.execute()
    return int(count) <= limit


def cursor(platform: str, name: str) -> str:
    value = _client().get(_key("cursor", platform, name))
    return value.decode() if value else ""


def set_cursor(platform: str, name: str, value: str) -> None:
    _client().set(_key("cursor", platform, name), value)


def clear() -> int:
    """Forget every delivery and cursor of this installation (tests; a fresh start)."""
    keys = list(_client().scan_iter(match=_key("*"), count=500))
    return _client().delete(*keys) if keys else 0
