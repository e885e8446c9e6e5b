"""Who has the queue open: a Redis hash of username -> open sockets, kept by the triage consumer."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

KEY = "triage:presence"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def joined(username: str) -> None:
    _client().hincrby(KEY, username, 1)


def left(username: str) -> None:
    client = _client()
    if client.hincrby(KEY, username, -1) <= 0:
        client.hdel(KEY, username)


def online() -> list[str]:
    try:
        names = _client().hkeys(KEY)
    except redis.RedisError:
        return []  # the panel shows 0 online rather than failing the page
    return sorted(n.decode() for n in names)


def holding() -> list[dict]:
    """Each online agent and the mentions they hold."""
    from .models import Mention, MentionStatus

    names = online()
    held: dict[str, list[int]] = {name: [] for name in names}
    for pk, username in Mention.objects.filter(
        status=MentionStatus.CLAIMED, claimed_by__username__in=names
    ).values_list("pk", "claimed_by__username")[:2000]:
        held[username].append(pk)
    return [{"user": name, "holding": ids} for name, ids in held.items()]
