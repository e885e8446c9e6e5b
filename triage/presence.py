"""Who has the queue open, kept in Redis so every websocket process sees the same list.

Two sorted sets, scored by when a socket last said it is alive:

- USERS: one member per agent online, scored by the freshest of their sockets;
- one set per agent (`user_key`) of their open sockets (channel names), so a second tab
  neither announces the agent again nor takes them offline when it closes.

Every call is O(log n) in the number of agents online: a join, a leave, a heartbeat and
the count touch one or two members, never the whole list and never PostgreSQL. Each
change of who is online (an agent's first socket opened, their last one closed, or a
socket whose process died going stale) is told to the pages as a *delta*: the websocket
process collects the agents whose state changed and publishes them at most a few times a
second (triage.consumers). A delta is numbered from SEQ and states, for each agent it
names, whether they are online at that number, read atomically with the number: applied
in order, a later delta never undoes a newer state. A page that sees a gap in the numbers
asks for the whole list again (`snapshot`).

A socket closed normally is removed at once; one whose process died simply stops being
refreshed and drops out after STALE_SECONDS (`prune`), so nobody stays "online" for ever.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import cache

import redis
from django.conf import settings

# Prefixed like the channel layer, so a test run never sees the pages of a `make run`.
PREFIX = f"{settings.CHANNEL_LAYERS['default']['CONFIG'].get('prefix', 'cc')}:triage:presence"
USERS = f"{PREFIX}:users"
SEQ = f"{PREFIX}:seq"
HEARTBEAT_SECONDS = 30
STALE_SECONDS = 90

# KEYS: USERS, the agent's sockets. ARGV: username, channel, now, stale-before.
# Returns 1 when the agent was not online before this socket.
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
local was = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
if (not was) or tonumber(was) < tonumber(ARGV[4]) then
  return 1
end
return 0
"""

# Same keys and arguments. Returns 1 when that was the agent's last live socket.
_LEAVE = """
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2])
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""

# KEYS: USERS. ARGV: stale-before, the prefix of the per-agent keys. Returns who dropped out.
_PRUNE = """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 500)
for _, name in ipairs(gone) do
  redis.call('ZREM', KEYS[1], name)
  redis.call('DEL', ARGV[2] .. name)
end
return gone
"""


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


@cache
def _scripts() -> tuple:
    client = _client()
    return client.register_script(_JOIN), client.register_script(_LEAVE), client.register_script(_PRUNE)


def user_key(username: str) -> str:
    return f"{PREFIX}:sockets:{username}"


def _args(username: str, channel: str, now: float | None) -> list:
    now = time.time() if now is None else now
    return [username, channel, now, now - STALE_SECONDS, STALE_SECONDS * 2]


def joined(username: str, channel: str, *, now: float | None = None) -> bool:
    """A socket opened; True if the agent was not online before it."""
    join, _, _ = _scripts()
    return bool(join(keys=[USERS, user_key(username)], args=_args(username, channel, now)))


def left(username: str, channel: str) -> bool:
    """A socket closed; True if it was the agent's last one."""
    _, leave, _ = _scripts()
    return bool(leave(keys=[USERS, user_key(username)], args=_args(username, channel, None)))


def seen(username: str, channel: str, *, now: float | None = None) -> None:
    """A socket's heartbeat (the socket must have joined)."""
    now = time.time() if now is None else now
    pipe = _client().pipeline(transaction=False)
    pipe.zadd(user_key(username), {channel: now})
    pipe.expire(user_key(username), STALE_SECONDS * 2)
    pipe.zadd(USERS, {username: now}, gt=True)
    pipe.execute()


def prune() -> list[str]:
    """Agents none of whose sockets was heard of for STALE_SECONDS (their process died)."""
    _, _, drop = _scripts()
    gone = drop(keys=[USERS], args=[time.time() - STALE_SECONDS, f"{PREFIX}:sockets:"])
    return [name.decode() for name in gone]


def online() -> list[str]:
    try:
        members = _client().zrangebyscore(USERS, time.time() - STALE_SECONDS, "+inf")
    except redis.RedisError:
        return []  # the panel shows nobody online rather than failing the page
    return sorted(m.decode() for m in members)


def online_count() -> int:
    try:
        return _client().zcount(USERS, time.time() - STALE_SECONDS, "+inf")
    except redis.RedisError:
        return 0


def sockets_count() -> int:
    """Open queue sockets, every tab of every agent online (for /metrics: O(agents online))."""
    client = _client()
    fresh = time.time() - STALE_SECONDS
    names = client.zrangebyscore(USERS, fresh, "+inf")
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.zcount(user_key(name.decode()), fresh, "+inf")
    return sum(pipe.execute()) if names else 0


def snapshot() -> tuple[int, list[str]]:
    """(seq, everyone online at that seq): what a page starts from or resyncs to."""
    pipe = _client().pipeline(transaction=True)
    pipe.get(SEQ)
    pipe.zrangebyscore(USERS, time.time() - STALE_SECONDS, "+inf")
    seq, members = pipe.execute()
    return int(seq or 0), sorted(m.decode() for m in members)


def states(usernames: Iterable[str]) -> tuple[int, list[str], list[str]]:
    """Number the next delta and read, with it, who of `usernames` is online: (seq, joined, left)."""
    names = sorted(set(usernames))
    pipe = _client().pipeline(transaction=True)
    pipe.incr(SEQ)
    for name in names:
        pipe.zscore(USERS, name)
    seq, *scores = pipe.execute()
    fresh = time.time() - STALE_SECONDS
    on = [n for n, s in zip(names, scores, strict=True) if s is not None and s >= fresh]
    off = [n for n, s in zip(names, scores, strict=True) if s is None or s < fresh]
    return seq, on, off
