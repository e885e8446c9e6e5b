"""Many clients acting at the same instant, timed from one asyncio loop (not a benchmark).

The first claim bench released 50 Python threads at a barrier and timed each one; a burst
of 50 `SELECT 1` measured that way had a p99 of 48-77 ms, all of it threads waiting for
the GIL to read their own answers. Here one event loop writes every request, then reads
the answers as they come: the same burst of `SELECT 1` or `GET /healthz` measures what
the server takes, and the client's own CPU is counted apart (about 0.25 ms a request).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg2
import psycopg2.extensions


def http_request(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 0"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, (await reader.readexactly(length) if length else b"")


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> float:
    """One request on an open connection, which it closes; ms from writing to the whole answer.

    The connection is open before the clock starts: gunicorn's sync workers close it after
    each answer, and an agent's browser reaches nginx on a kept-alive one."""
    try:
        started = time.perf_counter()
        writer.write(request)
        status, body = await _read_response(reader)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        writer.close()
    if not 200 <= status < 300:
        raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
    return elapsed


def http_bursts(
    port: int, requests: Sequence[bytes], rounds: int, between: Callable[[], Any] = lambda: None
) -> list[float]:
    """`rounds` times: every request written at once; latencies in ms. Non-2xx answers raise."""

    async def run() -> list[float]:
        samples: list[float] = []
        for round_ in range(rounds + 1):  # the first round warms every worker's connections
            opened = [await asyncio.open_connection("127.0.0.1", port) for _ in requests]
            pairs = zip(opened, requests, strict=True)
            got = await asyncio.gather(*(_exchange(reader, writer, q) for (reader, writer), q in pairs))
            if round_:
                samples += got
            await asyncio.to_thread(between)
            await asyncio.sleep(0.2)  # let the server settle: each round is its own burst
        return samples

    return asyncio.run(run())


def http_paced(port: int, requests: Sequence[bytes], per_second: float, seconds: float) -> list[float]:
    """Each client at its own moments: Poisson arrivals at `per_second` in all, clients in turn."""

    async def one(request: bytes) -> float:
        return await _exchange(*await asyncio.open_connection("127.0.0.1", port), request)

    async def run() -> list[float]:
        rng, tasks = random.Random(7), []
        start = time.perf_counter()
        at, i = 0.0, 0
        while at < seconds:
            at += rng.expovariate(per_second)
            delay = start + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(requests[i % len(requests)])))
            i += 1
        return list(await asyncio.gather(*tasks))

    return asyncio.run(run())


async def _wait(conn: psycopg2.extensions.connection) -> None:
    loop = asyncio.get_running_loop()
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        ready = loop.create_future()
        fd = conn.fileno()
        if state == psycopg2.extensions.POLL_READ:
            loop.add_reader(fd, ready.set_result, None)
            try:
                await ready
            finally:
                loop.remove_reader(fd)
        else:
            loop.add_writer(fd, ready.set_result, None)
            try:
                await ready
            finally:
                loop.remove_writer(fd)


def sql_bursts(
    params: dict[str, Any],
    statements: Sequence[tuple[str, dict[str, Any]]],
    rounds: int,
    between: Callable[[], Any] = lambda: None,
) -> list[float]:
    """One connection per statement (autocommit: each statement commits alone), all sent at once."""

    async def run() -> list[float]:
        conns = []
        for _ in statements:
            conn = psycopg2.connect(**params, async_=1)
            await _wait(conn)
            conns.append(conn)
        samples: list[float] = []
        for round_ in range(rounds + 1):  # the first round warms each backend's caches

            async def one(conn, sql: str, args: dict[str, Any]) -> float:
                started = time.perf_counter()
                cursor = conn.cursor()
                cursor.execute(sql, args)
                await _wait(conn)
                if cursor.rowcount < 1:
                    raise RuntimeError("the statement claimed nothing")
                return (time.perf_counter() - started) * 1000

            got = await asyncio.gather(*(one(c, *s) for c, s in zip(conns, statements, strict=True)))
            if round_:
                samples += got
            await asyncio.to_thread(between)
            await asyncio.sleep(0.2)
        for conn in conns:
            conn.close()
        return samples

    return asyncio.run(run())
