"""The hub page on every node: a shared copy in Redis, a broadcast, and a follower per node.

Why a broadcast and not shared storage: nginx serves the page from each node's own folder
(tens of thousands of requests a second, and on through an outage of the app, PostgreSQL or
Redis); a network filesystem would add a dependency that can itself fail. So the node that
publishes writes its own folder, keeps the rendered files in Redis (one value, replaced at
once) and announces it; every node's follower (`python manage.py hub_follow`) writes that copy
into its folder within a second, re-checks every few seconds in case it missed a message, and
on start rebuilds the page from the database, or from the Redis copy while the database is
down. The Redis copy is also what a fresh node with an empty folder serves in an outage.

A bundle is every file of the page (paths relative to HUB_ROOT) with a content hash and one
modification time for all nodes, so nginx gives the same ETag on every node.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

MARKER = ".bundle.json"  # which bundle a folder holds; a dot file nginx never serves
RECHECK_S = 5.0


@dataclass(frozen=True)
class Bundle:
    files: dict[str, bytes]
    digest: str
    mtime: int

    @classmethod
    def of(cls, files: dict[str, bytes], *, not_before: int = 0) -> Bundle:
        digest = hashlib.sha256()
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + files[path] + b"\0")
        # One time for every node (same ETag everywhere), always later than the last copy.
        return cls(files=files, digest=digest.hexdigest(), mtime=max(int(time.time()), not_before))

    def dumps(self) -> bytes:
        files = {path: content.decode() for path, content in self.files.items()}
        return json.dumps({"digest": self.digest, "mtime": self.mtime, "files": files}).encode()

    @classmethod
    def loads(cls, raw: bytes) -> Bundle:
        data = json.loads(raw)
        files = {path: content.encode() for path, content in data["files"].items()}
        return cls(files=files, digest=data["digest"], mtime=int(data["mtime"]))


# --- this node's folder ------------------------------------------------------------------------
def local_state(root: Path | None = None) -> tuple[str, int]:
    """(digest, mtime) of the bundle in this node's folder; ("", 0) when it holds none."""
    try:
        data = json.loads(((root or settings.HUB_ROOT) / MARKER).read_text())
        return str(data["digest"]), int(data["mtime"])
    except (OSError, ValueError, KeyError):
        return "", 0


@contextlib.contextmanager
def _folder_lock(root: Path) -> Iterator[None]:
    """One writer at a time per folder (the follower, a web process, a publish on this node)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, content: bytes, mtime: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(bundle: Bundle, root: Path | None = None) -> bool:
    """Make this node's folder hold `bundle`, unless it holds it or a later one; True if written.

    Each file is replaced atomically, with a gzip copy for nginx's gzip_static; files of an
    older page that this one lacks (the staff copy after a drill) are removed.
    """
    root = root or settings.HUB_ROOT
    with _folder_lock(root):
        digest, mtime = local_state(root)
        if digest == bundle.digest or mtime > bundle.mtime:
            return False
        wanted = set()
        for relative, content in bundle.files.items():
            packed = gzip.compress(content, compresslevel=9, mtime=0)
            _write(root / f"{relative}.gz", packed, bundle.mtime)
            _write(root / relative, content, bundle.mtime)
            wanted |= {relative, f"{relative}.gz"}
        for path in sorted(root.rglob("*"), reverse=True):
            relative = path.relative_to(root).as_posix()
            if path.name.startswith("."):
                continue
            if path.is_file() and relative not in wanted:
                path.unlink(missing_ok=True)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        _write(
            root / MARKER, json.dumps({"digest": bundle.digest, "mtime": bundle.mtime}).encode(), bundle.mtime
        )
    return True


# --- the shared copy ----------------------------------------------------------------------------
def _client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.HUB_REDIS_URL, socket_timeout=3, socket_connect_timeout=2, health_check_interval=10
    )


def _key(name: str) -> str:
    return f"{settings.HUB_REDIS_PREFIX}:{name}"


def shared_state(client: redis.Redis | None = None) -> tuple[str, int]:
    raw = (client or _client()).get(_key("state"))
    if not raw:
        return "", 0
    data = json.loads(raw)
    return str(data["digest"]), int(data["mtime"])


def shared_digest_or_none() -> str | None:
    """The shared copy's digest, or None when Redis cannot say."""
    try:
        return shared_state()[0]
    except (redis.RedisError, OSError, ValueError):
        return None


def fetch_shared(client: redis.Redis | None = None) -> Bundle | None:
    raw = (client or _client()).get(_key("bundle"))
    return Bundle.loads(raw) if raw else None


def share(bundle: Bundle, client: redis.Redis | None = None) -> bool:
    """Keep `bundle` as the shared copy and tell every node; False (logged) when Redis is down:
    this node still serves it, and the followers re-publish from the database once Redis is back."""
    try:
        client = client or _client()
        state = json.dumps({"digest": bundle.digest, "mtime": bundle.mtime})
        with client.pipeline(transaction=True) as pipe:
            pipe.set(_key("bundle"), bundle.dumps())
            pipe.set(_key("state"), state)
            pipe.publish(_key("changed"), state)
            pipe.execute()
    except (redis.RedisError, OSError) as exc:
        logger.warning(
            "hub page not shared with the other nodes (Redis: %s); they catch up when it is back", exc
        )
        return False
    return True


def next_mtime(client: redis.Redis | None = None) -> int:
    """A modification time later than both this node's copy and the shared one."""
    latest = local_state()[1]
    with contextlib.suppress(redis.RedisError, OSError, ValueError):
        latest = max(latest, shared_state(client)[1])
    return latest + 1


def install_shared(client: redis.Redis | None = None) -> bool:
    """Write the shared copy into this node's folder if it is newer; True if written."""
    bundle = fetch_shared(client)
    if bundle is None:
        return False
    written = install(bundle)
    if written:
        logger.info("hub page %s (from %s) written from the shared copy", bundle.digest[:12], bundle.mtime)
    return written


# --- the follower ----------------------------------------------------------------------------------
def follow(rebuild, stop: threading.Event | None = None) -> None:
    """Keep this node's folder at the current page until `stop` is set.

    `rebuild()` renders the page from the database (and shares it); it runs at start and after
    every reconnection to Redis, so a change made while Redis was down reaches every node. With
    the database down it falls back to the shared copy.
    """
    stop = stop or threading.Event()
    delay = 0.5
    while not stop.is_set():
        try:
            client = _client()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(_key("changed"))
            _rebuild_or_copy(rebuild, client)
            delay = 0.5
            while not stop.is_set():
                pubsub.get_message(timeout=RECHECK_S)  # a broadcast, or a periodic re-check
                if shared_state(client)[0] != local_state()[0]:
                    install_shared(client)
        except (redis.RedisError, OSError) as exc:
            logger.warning("hub follower: Redis unreachable (%s); retrying in %.1fs", exc, delay)
            stop.wait(delay)
            delay = min(delay * 2, 10.0)


def _rebuild_or_copy(rebuild, client: redis.Redis) -> None:
    try:
        rebuild()
        return
    except DatabaseError as exc:
        logger.warning("hub follower: the database is unreachable (%s); using the shared copy", exc)
    install_shared(client)
