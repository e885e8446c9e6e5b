"""PostgreSQL advisory locks: periodic work that is safe when every node runs beat.

A lock is named by a short string, hashed to the 64-bit key PostgreSQL takes, so two modules
cannot pick the same number by accident.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

from django.db import connection


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (advisory lock keys are bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def xact_lock(name: str) -> None:
    """Wait for the lock `name` until the current transaction ends; call inside transaction.atomic."""
    if not connection.in_atomic_block:
        raise RuntimeError("xact_lock needs a transaction: the lock would be released at once")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])


@contextlib.contextmanager
def only_one(name: str) -> Iterator[bool]:
    """Yields whether this process holds the lock `name`, taken without waiting and held for the
    session (no transaction kept open around slow outside calls): False when another node is
    doing the same work right now. PostgreSQL drops the lock if the connection dies."""
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
