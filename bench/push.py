"""Push latency: from a mention's ingest to 50 agents' browsers on /ws/triage/, at 500 mentions/s.

    .venv/bin/python bench/push.py [--rate 500] [--batch 50] [--seconds 15] [--clients 50]

Real parts, as deployed: gunicorn takes POST /api/v1/mentions/ (WSGI), a Celery worker
(-c 2) scores and stores each batch and sends one queue delta after commit, channels_redis
(RedisPubSubChannelLayer) carries it, and uvicorn (crisiscenter.asgi) delivers it to 50
websocket clients logged in as an agent. Figures from one run, on a database of its own
(crisiscenter_bench_push):

- push_p99_ms: per client and per delta, the time it arrived minus the mentions'
  ingested_at. ingested_at is taken when the worker starts the batch, before scoring,
  the INSERT and the commit, so this is an upper bound of "commit to client".
- push_naive_p99_ms: one task, one INSERT and one group message per mention
  (bench.naive_tasks.store_and_push_one_mention), queued at the same rate.
- redis_pubsub_p99_ms: the limit, a raw Redis PUBLISH of a message as large as one delta
  to one SUBSCRIBE-d connection, one at a time, on the same Redis.

Clients read each message's first ingested_at with a regular expression instead of
parsing the whole JSON, so the bench itself stays light on the shared cores.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import re
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` as a package

from bench.harness import (
    PY,
    CpuMeter,
    Processes,
    bench_run,
    ensure_servers,
    free_port,
    postgres_pid,
    redis_pid,
    say,
)
from bench.ingest import make_mentions, seed, start_web, start_worker, stored_count, truncate
from crisiscenter.wsdeflate import WS_PROTOCOL

BENCH_DB = "crisiscenter_bench_push"
INGESTED = re.compile(r'"ingested_at":\s*"([^"]+)"')


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (
        f"{len(ordered):,} samples: p50 {at(0.5):.1f} ms, p90 {at(0.9):.1f} ms, "
        f"p99 {at(0.99):.1f} ms, max {ordered[-1]:.1f} ms"
    )


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


# --- the websocket server and its clients ---------------------------------------------
def start_ws(
    procs: Processes, env: dict[str, str], options: list[str], app: str = "crisiscenter.asgi:application"
) -> int:
    port = free_port()
    command = [PY, "-m", "uvicorn", app, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log", *options]  # fmt: skip
    procs.start_http("ws", command, env, port)
    return port


def agent_cookie() -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.roles import Role, grant

    user, _ = get_user_model().objects.get_or_create(username="bench_push_agent")
    grant(user, Role.AGENT)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class Listeners:
    """`count` websocket clients in one asyncio loop on a thread of its own."""

    def __init__(self, port: int, cookie: str, count: int) -> None:
        self.port, self.cookie, self.count = port, cookie, count
        self.samples: list[float] = []
        self.mentions = [0] * count
        self.recording = False
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _client(self, index: int, opened: list) -> None:
        from websockets.asyncio.client import connect

        base = f"127.0.0.1:{self.port}"
        headers = {"Origin": f"http://{base}", "Cookie": f"sessionid={self.cookie}"}
        try:
            async with connect(f"ws://{base}/ws/triage/", additional_headers=headers, max_size=None) as ws:
                opened.append(index)
                if len(opened) == self.count:
                    self.ready.set()
                while not self.stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                    except TimeoutError:
                        continue
                    arrived = time.time()
                    if not self.recording:
                        continue
                    if '"queue.deltas"' in raw[:40]:
                        # Several deltas the consumer held back (at most 100 ms) and sent as one frame.
                        deltas = [json.dumps(d) for d in json.loads(raw)["deltas"]]
                    elif '"queue.delta"' in raw[:40]:
                        deltas = [raw]
                    else:
                        continue
                    for delta in deltas:
                        found = INGESTED.search(delta)
                        if found:
                            sent = datetime.fromisoformat(found.group(1)).timestamp()
                            self.samples.append((arrived - sent) * 1000)
                            self.mentions[index] += delta.count('"external_id"')
        except Exception as exc:  # reported by the main thread
            self.errors.append(f"client {index}: {type(exc).__name__}: {exc}")
            self.ready.set()

    async def _main(self) -> None:
        opened: list[int] = []
        await asyncio.gather(*(self._client(i, opened) for i in range(self.count)))

    def start(self) -> None:
        self.thread.start()
        if not self.ready.wait(60) or self.errors:
            raise RuntimeError(self.errors[0] if self.errors else "websocket clients did not connect")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)


# --- load -------------------------------------------------------------------------
def post_paced(port: int, token: str, items: list[dict], rate: int, batch: int) -> float:
    """POST batches so that `rate` mentions a second go in, on a fixed schedule; seconds taken."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    interval, started = batch / rate, time.monotonic()
    for n, i in enumerate(range(0, len(items), batch)):
        delay = started + n * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        conn.request("POST", "/api/v1/mentions/", body=json.dumps(items[i : i + batch]), headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 202:
            raise RuntimeError(f"HTTP {response.status}: {body[:300]!r}")
    conn.close()
    return time.monotonic() - started


def queue_naive_paced(items: list[dict], rate: int) -> float:
    from bench.naive_tasks import store_and_push_one_mention

    started = time.monotonic()
    for n, item in enumerate(items):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        store_and_push_one_mention.delay(item)
    return time.monotonic() - started


def wait_delivered(listeners: Listeners, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while min(listeners.mentions) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    got = min(listeners.mentions)
    say(f"  every client got {got:,} of {total:,} mentions" if got >= total else
        f"  WARNING: the slowest client got {got:,} of {total:,} mentions after the wait")  # fmt: skip


def redis_limit(size: int, count: int = 500) -> list[float]:
    """PUBLISH -> SUBSCRIBE round trips of a `size`-byte message on the bench's Redis."""
    import redis
    from django.conf import settings

    sub_client, pub_client = (
        redis.Redis.from_url(settings.REDIS_URL),
        redis.Redis.from_url(settings.REDIS_URL),
    )
    pubsub = sub_client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe("bench-push-limit")
    pubsub.get_message(timeout=1)
    payload, samples = b"x" * size, []
    for _ in range(count):
        started = time.perf_counter()
        pub_client.publish("bench-push-limit", payload)
        while pubsub.get_message(timeout=1) is None:
            pass
        samples.append((time.perf_counter() - started) * 1000)
    pubsub.close()
    return samples


# --- main -------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=500, help="mentions per second (500)")
    parser.add_argument("--batch", type=int, default=50, help="mentions per POST (50, i.e. 10 a second)")
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds (15)")
    parser.add_argument("--naive-seconds", type=float, default=8, help="seconds of the naive path (8)")
    parser.add_argument("--clients", type=int, default=50, help="websocket clients (50)")
    parser.add_argument(
        "--uvicorn", default="", help='more uvicorn options ("--ws-per-message-deflate false")'
    )
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (2)")
    return parser.parse_args()


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes) -> dict[str, float]:
    token, cookie = seed(), agent_cookie()
    web, api_port = start_web(procs, env, 2)
    ws_port = start_ws(procs, env, ["--ws", WS_PROTOCOL, *args.uvicorn.split()])
    say(f"uvicorn options: {args.uvicorn or '(defaults)'}")
    worker = start_worker(procs, env, args.concurrency)
    pids = {"web": web.pid, "ws": procs.started["ws"].pid, "worker": worker.pid,
            "postgres": postgres_pid(), "redis": redis_pid()}  # fmt: skip
    listeners = Listeners(ws_port, cookie, args.clients)
    listeners.start()
    say(f"{args.clients} websocket clients connected to /ws/triage/")
    count = int(args.rate * args.seconds)
    naive_count = int(args.rate * args.naive_seconds)
    items = make_mentions(count + naive_count + args.rate * 2)
    try:
        post_paced(api_port, token, items[-args.rate * 2 :], args.rate, args.batch)  # warm-up, 2 s
        time.sleep(2)
        truncate()
        say(f"product path: {count:,} mentions at {args.rate}/s in batches of {args.batch}")
        listeners.samples.clear()
        listeners.mentions = [0] * args.clients
        listeners.recording = True
        with CpuMeter(pids):
            took = post_paced(api_port, token, items[:count], args.rate, args.batch)
            wait_delivered(listeners, count, timeout=60)
        say(f"  posted in {took:.1f} s ({count / took:,.0f}/s); stored {stored_count():,}")
        product = list(listeners.samples)
        say(f"  push latency: {percentiles(product)}")

        truncate()
        say(f"naive: {naive_count:,} mentions at {args.rate}/s, one task and one group message each")
        listeners.samples.clear()
        listeners.mentions = [0] * args.clients
        with CpuMeter(pids):
            took = queue_naive_paced(items[count : count + naive_count], args.rate)
            wait_delivered(listeners, naive_count, timeout=90)
        say(f"  queued in {took:.1f} s; stored {stored_count():,}")
        naive = list(listeners.samples)
        say(f"  push latency: {percentiles(naive)}")
        listeners.recording = False
    finally:
        listeners.close()
    if listeners.errors:
        say(f"  client errors: {len(listeners.errors)}, first: {listeners.errors[0]}")
    size = len(json.dumps({"type": "queue.delta", "mentions": items[: args.batch]}))
    limit = redis_limit(size)
    say(f"limit: Redis PUBLISH -> SUBSCRIBE of {size:,} bytes: {percentiles(limit)}")
    truncate()
    return {"push_p99_ms": p99(product), "push_naive_p99_ms": p99(naive), "redis_pubsub_p99_ms": p99(limit)}


def main() -> int:
    args = parse_args()
    ensure_servers()
    try:
        with bench_run(BENCH_DB, "push") as (env, procs):
            truncate()
            results = measure(args, env, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    for name, value in results.items():
        say(f"RESULT {name} {value:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
