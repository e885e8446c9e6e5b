"""Join storm: 200 agents open /ws/triage/ at once, then 100 mentions/s stream in.

    .venv/bin/python bench/join_storm.py [--clients 200] [--rate 100] [--batch 10] [--seconds 10]
                                         [--ws auto] [--no-naive]

What a restart of the websocket server or the start of a shift does. Real parts, as
deployed: uvicorn (crisiscenter.asgi, permessage-deflate on, as every browser asks for
it, served by crisiscenter.wsdeflate's protocol: each frame compressed once per process;
`--ws auto` for uvicorn's own, which compresses it once per page) behind
channels_redis's pub/sub layer; gunicorn takes POST /api/v1/mentions/; a Celery worker
(-c 2) scores, stores and sends one delta per batch. Each client is a different agent
with a session of their own, with compression negotiated. Figures:

- join_storm_all_connected_s: from the moment all clients dial at once until the last
  one has its queue snapshot;
- join_storm_delivery_p99_ms: then, at 100 mentions/s, per client and per delta, arrival
  minus the mentions' ingested_at (taken when the worker starts the batch, before
  scoring, the INSERT and the commit: an upper bound of "commit to page");
- the same two with the naive queue socket (bench/naive_presence.py: the whole online
  list to every page on every join, whole-table counts and a snapshot built per page);
- the limit, measured in the same run: a bare websockets server (same library as
  uvicorn's, deflate on, no Django, no Redis) taking the same storm and broadcasting a
  message as large as a delta at the same rate, stamped when sent.

Also printed: presence frames the clients received during the storm.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` as a package

from bench.harness import PY, CpuMeter, Processes, bench_run, ensure_servers, free_port, say
from bench.ingest import make_mentions, seed, start_web, start_worker, stored_count, truncate
from bench.push import p99, percentiles, post_paced, start_ws
from crisiscenter.wsdeflate import WS_PROTOCOL

BENCH_DB = "crisiscenter_bench_join"
# The first mention's ingested_at in each delta (one frame may hold several), or the limit's stamp.
FIRST_INGESTED = re.compile(
    r'"type":"(?:queue\.delta","seq":\d+,"kind":"\w+","mentions":\[\{.*?|limit",)"ingested_at":"([^"]+)"'
)
LIMIT_SERVER = "--serve-limit"


# --- the agents ---------------------------------------------------------------------
def agent_cookies(count: int) -> list[str]:
    """A session for each of `count` agents (bench_join_0, ...)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.roles import Role, grant

    cookies = []
    for i in range(count):
        user, _ = get_user_model().objects.get_or_create(username=f"bench_join_{i}")
        grant(user, Role.AGENT)
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


class Storm:
    """`cookies` websocket clients in one asyncio loop on a thread of its own, dialling at once."""

    def __init__(self, port: int, cookies: list[str], path: str = "/ws/triage/") -> None:
        self.port, self.cookies, self.path = port, cookies, path
        self.connected_at: list[float] = []
        self.presence_frames = 0
        self.samples: list[float] = []
        self.delivered = [0] * len(cookies)
        self.waited_ms = 0.0
        self.recording = False
        self.errors: list[str] = []
        self.all_connected = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def _record(self, index: int, raw: str, arrived: float) -> None:
        # A regular expression, not json.loads: 200 pages parsing every frame in one Python
        # thread would measure the bench, not the server.
        head = raw[:48]
        if '"queue.presence' in head:
            self.presence_frames += 1
            return
        if not self.recording:
            return
        for found in FIRST_INGESTED.finditer(raw):
            sent = datetime.fromisoformat(found.group(1)).timestamp()
            self.samples.append((arrived - sent) * 1000)
        self.delivered[index] += raw.count('"external_id"')

    async def _client(self, index: int, started: float) -> None:
        from websockets.asyncio.client import connect

        base = f"127.0.0.1:{self.port}"
        headers = {"Origin": f"http://{base}", "Cookie": f"sessionid={self.cookies[index]}"}
        try:
            async with connect(
                f"ws://{base}{self.path}", additional_headers=headers, max_size=None,
                open_timeout=180, compression="deflate",
            ) as ws:  # fmt: skip
                await ws.recv()  # the snapshot: this page is working
                self.connected_at.append(time.monotonic() - started)
                if len(self.connected_at) == len(self.cookies):
                    self.all_connected.set()
                while not self.stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                    except TimeoutError:
                        continue
                    self._record(index, raw, time.time())
        except Exception as exc:  # reported by the main thread
            self.errors.append(f"client {index}: {type(exc).__name__}: {exc}")
            self.all_connected.set()

    async def _main(self) -> None:
        started = time.monotonic()
        await asyncio.gather(*(self._client(i, started) for i in range(len(self.cookies))))

    def run(self, timeout: float = 240) -> float:
        """Dial every client at once; seconds until the last one had its snapshot."""
        self.thread.start()
        if not self.all_connected.wait(timeout) or self.errors:
            raise RuntimeError(self.errors[0] if self.errors else f"not all connected in {timeout} s")
        return max(self.connected_at)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)


# --- the limit: a bare websockets server --------------------------------------------
def serve_limit(port: int) -> None:
    """Accept, send a small hello (the "snapshot"); broadcast what the control client asks."""
    from websockets.asyncio.server import broadcast, serve

    pages: set = set()

    async def handler(ws) -> None:
        if ws.request.path == "/control":
            order = json.loads(await ws.recv())
            body, interval = order["body"], 1 / order["per_second"]
            started = time.monotonic()
            for n in range(order["count"]):
                await asyncio.sleep(max(0.0, started + n * interval - time.monotonic()))
                stamp = datetime.now(UTC).isoformat()
                broadcast(pages, '{"type":"limit","ingested_at":"' + stamp + '",' + body)
            await ws.send("done")
            return
        await ws.send('{"type":"hello"}')
        pages.add(ws)
        try:
            await ws.wait_closed()
        finally:
            pages.discard(ws)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, compression="deflate", max_size=None) as server:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, server.close)
            await server.wait_closed()

    asyncio.run(main())


def start_limit(procs: Processes, env: dict[str, str]) -> int:
    port = free_port()
    procs.start("limit", [PY, str(Path(__file__).resolve()), LIMIT_SERVER, str(port)], env)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port
        except OSError:
            procs.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"the limit server did not listen:\n{procs.log_tail('limit')}") from None
            time.sleep(0.1)


def broadcast_limit(port: int, body: str, per_second: float, count: int) -> None:
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{port}/control", max_size=None) as control:
        control.send(json.dumps({"body": body, "per_second": per_second, "count": count}))
        control.recv(timeout=count / per_second + 60)


# --- one run ------------------------------------------------------------------------
def stop(procs: Processes, name: str) -> None:
    process = procs.started.pop(name)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)


def wait_delivered(storm: Storm, total: int, timeout: float, started: float) -> None:
    deadline = time.monotonic() + timeout
    while min(storm.delivered) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    storm.waited_ms = (time.monotonic() - started) * 1000
    got = min(storm.delivered)
    say(f"  every client got {got:,} of {total:,} mentions" if got >= total else
        f"  WARNING: the slowest client got {got:,} of {total:,} mentions after the wait")  # fmt: skip


def storm_then_stream(label: str, storm: Storm, pids: dict, send) -> tuple[float, list[float]]:
    """The storm, a second of quiet, then `send()` streams; (all connected s, latencies ms)."""
    with CpuMeter(pids):
        took = storm.run()
    settled = time.monotonic() + 1
    while time.monotonic() < settled:
        time.sleep(0.1)
    ordered = sorted(storm.connected_at)
    say(f"  {label}: {len(ordered)} connected; median {ordered[len(ordered) // 2]:.2f} s, "
        f"all {took:.2f} s; presence frames received: {storm.presence_frames:,}")  # fmt: skip
    storm.recording = True
    with CpuMeter(pids):
        expected = send()
    storm.recording = False
    samples = list(storm.samples)
    missing = expected * len(storm.cookies) - len(samples)
    if missing > 0:  # never arrived: counted as late as the wait, so p99 is a lower bound
        say(f"  {label}: {missing:,} deltas never arrived; counted as {storm.waited_ms:,.0f} ms")
        samples += [storm.waited_ms] * missing
    say(f"  {label} delivery: {percentiles(samples)}")
    say(f"  {label}: presence frames received in all: {storm.presence_frames:,}")
    return took, samples


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes) -> dict[str, tuple]:
    token, cookies = seed(), agent_cookies(args.clients)
    web, api_port = start_web(procs, env, 2)
    worker = start_worker(procs, env, args.concurrency)
    count = int(args.rate * args.seconds)
    items = make_mentions(count * 2 + args.rate * 2)
    post_paced(api_port, token, items[-args.rate * 2 :], args.rate, args.batch)  # warm-up
    results: dict[str, tuple] = {}

    # The limit: a bare websockets server, the same storm, a message as large as one delta.
    limit_port = start_limit(procs, env)
    body = json.dumps({"mentions": items[: args.batch]})[1:]
    say(f"limit: bare websockets server, {args.clients} clients, deflate on")
    storm = Storm(limit_port, cookies, "/page")
    try:
        pids = {"limit": procs.started["limit"].pid}
        frames, per_second = int(count / args.batch), args.rate / args.batch

        def send_limit() -> int:
            broadcast_limit(limit_port, body, per_second, frames)
            time.sleep(1)
            return frames

        took, samples = storm_then_stream("limit", storm, pids, send_limit)
    finally:
        storm.close()
    stop(procs, "limit")
    results["limit"] = (took, p99(samples))

    apps = (("naive", "bench.naive_presence:application"), ("product", "crisiscenter.asgi:application"))
    for label, app in apps[1:] if args.no_naive else apps:
        truncate()
        protocol = ["--ws", args.ws] if label == "product" else []  # the naive socket as it was
        ws_port = start_ws(procs, env, ["--ws-per-message-deflate", "true", *protocol], app)
        pids = {"ws": procs.started["ws"].pid, "web": web.pid, "worker": worker.pid}
        say(f"{label}: uvicorn {app}, {args.clients} agents dial /ws/triage/ at once, "
            f"then {count:,} mentions at {args.rate}/s in batches of {args.batch}")  # fmt: skip
        storm = Storm(ws_port, cookies)
        batch = items[:count] if label == "naive" else items[count : count * 2]

        def send(batch=batch, storm=storm) -> int:
            started = time.monotonic()
            post_paced(api_port, token, batch, args.rate, args.batch)
            wait_delivered(storm, len(batch), timeout=60, started=started)
            return len(batch) // args.batch  # deltas each page should get

        try:
            took, samples = storm_then_stream(label, storm, pids, send)
        finally:
            storm.close()
        say(f"  stored {stored_count():,}")
        stop(procs, "ws")
        results[label] = (took, p99(samples))
    truncate()
    return results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="agents dialling at once (200)")
    parser.add_argument("--rate", type=int, default=100, help="mentions per second after the storm (100)")
    parser.add_argument("--batch", type=int, default=10, help="mentions per POST (10)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of streaming (10)")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (2)")
    parser.add_argument(
        "--ws", default=WS_PROTOCOL, help=f"uvicorn's --ws for the product ({WS_PROTOCOL}; auto: its own)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive socket (its 60 s wait)")
    return parser.parse_args()


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == LIMIT_SERVER:
        serve_limit(int(sys.argv[2]))
        return 0
    args = parse_args()
    ensure_servers()
    try:
        with bench_run(BENCH_DB, "join") as (env, procs):
            truncate()
            results = measure(args, env, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    names = {"product": "join_storm", "naive": "join_storm_naive", "limit": "join_storm_limit"}
    for label in ("product", "naive", "limit"):
        if label in results:
            say(f"RESULT {names[label]}_all_connected_s {results[label][0]:.2f} s")
    for label in ("product", "naive", "limit"):
        if label in results:
            say(f"RESULT {names[label]}_delivery_p99_ms {results[label][1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
