"""Ingest throughput: mentions per second through POST /api/v1/mentions/, end to end.

    .venv/bin/python bench/ingest.py [--count 50000] [--batch 500] [--clients 4] ...

Three figures from one run, on a database of its own (crisiscenter_bench, on the
server DATABASE_URL points at; embedded servers when DATABASE_URL / REDIS_URL are
unset) and a Celery queue and channel prefix of its own, so dev data is never touched:

- ingest_per_s: the product path. A real gunicorn (WSGI) and a real Celery worker;
  client threads POST batches with http.client; the clock runs from the first request
  to the moment the last mention is scored and stored (polled with count(*)).
- ingest_naive_per_s: the same mentions, one Celery task and one INSERT each
  (bench/naive_tasks.py), from the first task queued to the last row stored.
- copy_limit_per_s: the hardware limit, the same scored rows written by one COPY into
  a copy of triage_mention with the same columns, indexes and constraints.

Every process it starts is stopped at the end, on Ctrl-C and on error.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import queue
import random
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
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

BENCH_DB = "crisiscenter_bench"
BENCH_USER = "bench_ingest"


# --- the bench database -------------------------------------------------------------
def seed() -> str:
    """The integration user's token, plus a watchlist and a brand account for scoring."""
    from django.contrib.auth import get_user_model

    from core import tokens
    from core.roles import Role, grant
    from social.models import PlatformAccount
    from triage.models import WatchedAuthor

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    grant(user, Role.INTEGRATION)
    watchlist = {"janedoe": "journalist", "kingsbridgetimes": "news_media", "alderval_council": "public_body"}
    for handle, kind in watchlist.items():
        WatchedAuthor.objects.get_or_create(platform="", handle=handle, defaults={"kind": kind})
    PlatformAccount.objects.get_or_create(platform="x", handle="northlinerail")
    return tokens.issue(user=user, name="bench").key


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE triage_mention, triage_mentionbatch RESTART IDENTITY CASCADE")


def stored_count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM triage_mention")
        return cur.fetchone()[0]


def describe_server() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('server_version'), current_setting('fsync'), "
            "current_setting('synchronous_commit'), current_setting('shared_buffers')"
        )
        version, fsync, sync_commit, buffers = cur.fetchone()
    say(
        f"PostgreSQL {version} (fsync={fsync}, synchronous_commit={sync_commit}, "
        f"shared_buffers={buffers}); {os.cpu_count()} CPUs"
    )


# --- the app server and the worker -----------------------------------------------------
def start_worker(procs: Processes, env: dict[str, str], concurrency: int) -> subprocess.Popen:
    from crisiscenter.celery import app

    name = f"bench-{os.getpid()}@{socket.gethostname()}"
    options = "-l warning --without-gossip --without-mingle --without-heartbeat"
    command = [PY, "-m", "celery", "-A", "crisiscenter", "worker", *options.split(),
               "-c", str(concurrency), "-Q", env["CELERY_QUEUE"], "-n", name,
               "--include", "bench.naive_tasks"]  # fmt: skip
    process = procs.start("worker", command, env)
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5, destination=[name]):
        procs.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not answer:\n{procs.log_tail('worker')}")
    return process


def start_web(procs: Processes, env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [PY, "-m", "gunicorn", "crisiscenter.wsgi", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]  # fmt: skip
    return procs.start_http("web", command, env, port), port


# --- mentions -------------------------------------------------------------------
def make_mentions(count: int) -> list[dict]:
    from triage.simulation import make_mention

    rng, now = random.Random(20261123), datetime.now(UTC)
    return [make_mention(rng, elapsed_minutes=(i * 300 / count), now=now) for i in range(count)]


def score_all(items: list[dict]) -> list:
    """The product's normalise + build_mention for every item, as the worker does it."""
    from django.utils import timezone

    from bench.naive_tasks import scoring_context
    from triage.ingest import build_mention, normalise

    context, now = scoring_context(), timezone.now()
    rules, watchlist, brand = context["rules"], context["watchlist"], context["brand"]
    return [
        build_mention(normalise(item)[0], now=now, rules=rules, watchlist=watchlist, brand=brand)
        for item in items
    ]


def copy_limit(mentions: list) -> float:
    """Rows/s of one COPY into a fresh copy of triage_mention (same indexes, logged)."""
    from django.db import connection

    from triage import bulk
    from triage.models import Mention

    fields = [f for f in Mention._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = ([getattr(m, f.attname) for f in fields] for m in mentions)
    data = io.StringIO(bulk.copy_text(rows, [bulk.encoder(f) for f in fields]))
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_mention_copy")
        cur.execute("CREATE TABLE bench_mention_copy (LIKE triage_mention INCLUDING ALL)")
        try:
            started = time.perf_counter()
            cur.copy_expert(f"COPY bench_mention_copy ({columns}) FROM STDIN", data)
            elapsed = time.perf_counter() - started
            cur.execute("SELECT count(*) FROM bench_mention_copy")
            copied = cur.fetchone()[0]
        finally:
            cur.execute("DROP TABLE IF EXISTS bench_mention_copy")
    if copied != len(mentions):
        raise RuntimeError(f"COPY stored {copied} rows of {len(mentions)}")
    return copied / elapsed


def insert_rate(mentions: list, batch: int) -> float:
    """Rows/s of the product's insert (insert_new_mentions), one transaction per batch."""
    from django.db import transaction

    from triage.ingest import insert_new_mentions

    truncate()
    started = time.perf_counter()
    for i in range(0, len(mentions), batch):
        with transaction.atomic():
            insert_new_mentions(mentions[i : i + batch])
    elapsed = time.perf_counter() - started
    truncate()
    return len(mentions) / elapsed


# --- the two measured paths -------------------------------------------------------
@dataclass
class Progress:
    sent: int = 0
    last_sent_at: float = 0.0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, count: int) -> None:
        with self.lock:
            self.sent += count
            self.last_sent_at = time.monotonic()

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def post_batches(
    port: int, token: str, bodies: queue.Queue, progress: Progress, stop: threading.Event
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Connection": "keep-alive",
    }
    try:
        while not stop.is_set():
            try:
                count, body = bodies.get_nowait()
            except queue.Empty:
                return
            conn.request("POST", "/api/v1/mentions/", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            if response.status != 202:
                progress.fail(f"HTTP {response.status}: {answer[:300]!r}")
                return
            progress.add(count)
    except (OSError, http.client.HTTPException) as exc:
        progress.fail(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def wait_stored(
    target: int, started: float, progress: Progress, procs: Processes, timeout: float, label: str
) -> float:
    """Poll count(*) until `target` rows are stored; the time it took since `started`."""
    deadline, last_print = started + timeout, started
    while True:
        stored, now = stored_count(), time.monotonic()
        if stored >= target:
            say(f"  {label}: {stored:,} stored in {now - started:.1f} s")
            return now - started
        if progress.errors:
            raise RuntimeError(f"{label}: {progress.errors[0]}")
        procs.check_alive()
        if now > deadline:
            raise RuntimeError(f"{label}: only {stored:,} of {target:,} stored after {timeout:.0f} s")
        if now - last_print >= 2:
            last_print = now
            say(
                f"  {label}: sent {progress.sent:,}/{target:,}, stored {stored:,} "
                f"({stored / (now - started):,.0f}/s)"
            )
        time.sleep(0.1)


def run_api(
    items: list[dict],
    *,
    port: int,
    token: str,
    batch: int,
    clients: int,
    procs: Processes,
    timeout: float,
    label: str,
) -> tuple[float, float]:
    """(seconds until all stored, seconds until all accepted) for items through the API."""
    bodies: queue.Queue = queue.Queue()
    for i in range(0, len(items), batch):
        chunk = items[i : i + batch]
        bodies.put((len(chunk), json.dumps(chunk).encode()))
    progress, stop = Progress(), threading.Event()
    threads = [
        threading.Thread(target=post_batches, args=(port, token, bodies, progress, stop), daemon=True)
        for _ in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        elapsed = wait_stored(len(items), started, progress, procs, timeout, label)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=130)
    return elapsed, progress.last_sent_at - started


def queue_naive(items: list[dict], progress: Progress, stop: threading.Event) -> None:
    from bench.naive_tasks import store_one_mention

    try:
        for item in items:
            if stop.is_set():
                return
            store_one_mention.delay(item)
            progress.add(1)
    except Exception as exc:  # reported by wait_stored in the main thread
        progress.fail(f"queueing a task: {type(exc).__name__}: {exc}")


def run_naive(items: list[dict], *, procs: Processes, timeout: float) -> tuple[float, float]:
    progress, stop = Progress(), threading.Event()
    thread = threading.Thread(target=queue_naive, args=(items, progress, stop), daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        elapsed = wait_stored(len(items), started, progress, procs, timeout, "naive")
    finally:
        stop.set()
        thread.join(timeout=30)
    return elapsed, progress.last_sent_at - started


# --- main -------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50_000, help="mentions through the API (50,000)")
    parser.add_argument("--batch", type=int, default=500, help="mentions per request (500)")
    parser.add_argument("--naive-count", type=int, default=5_000, help="mentions the naive way (5,000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (4)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (2)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per phase (900)")
    args = parser.parse_args()
    limits = {"count": (1, 1_000_000), "batch": (1, 1000), "naive_count": (1, 100_000),
              "clients": (1, 64), "web_workers": (1, 16), "concurrency": (1, 16),
              "timeout": (10, 3600)}  # fmt: skip
    for name, (low, high) in limits.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low:,} and {high:,}")
    return args


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes) -> dict[str, float]:
    token = seed()
    items = make_mentions(max(args.count, args.naive_count))
    started = time.perf_counter()
    mentions = score_all(items[: args.count])
    score_us = (time.perf_counter() - started) / args.count * 1e6
    say(
        f"normalise + build_mention in this process: {score_us:.0f} us/mention "
        f"({1e6 / score_us:,.0f}/s on one core)"
    )
    copy = copy_limit(mentions)
    say(f"COPY of {args.count:,} scored rows into a copy of triage_mention: {copy:,.0f} rows/s")
    say(
        f"insert_new_mentions (COPY to staging + INSERT ON CONFLICT, {args.batch}/batch): "
        f"{insert_rate(mentions, args.batch):,.0f} rows/s"
    )
    del mentions

    say(f"starting gunicorn ({args.web_workers} workers) and a Celery worker (-c {args.concurrency})")
    web, port = start_web(procs, env, args.web_workers)
    worker = start_worker(procs, env, args.concurrency)
    pids = {"web": web.pid, "worker": worker.pid, "postgres": postgres_pid(), "redis": redis_pid()}
    common = {"port": port, "token": token, "batch": args.batch, "procs": procs, "timeout": args.timeout}
    warmup = make_mentions(args.clients * 4 * 50)
    for item in warmup:
        item["external_id"] = "warmup-" + item["external_id"]
    run_api(warmup, clients=args.clients, label="warm-up", **{**common, "batch": 50})
    truncate()

    say(f"API: {args.count:,} mentions in batches of {args.batch} from {args.clients} client threads")
    with CpuMeter(pids):
        api_s, accepted_s = run_api(items[: args.count], clients=args.clients, label="api", **common)
    say(
        f"  all accepted (202) after {accepted_s:.1f} s: {args.count / accepted_s:,.0f} mentions/s "
        f"into the API; stored {api_s - accepted_s:.1f} s later"
    )
    truncate()

    say(f"naive: {args.naive_count:,} mentions, one Celery task and one INSERT each")
    with CpuMeter(pids):
        naive_s, queued_s = run_naive(items[: args.naive_count], procs=procs, timeout=args.timeout)
    say(f"  all queued after {queued_s:.1f} s: {args.naive_count / queued_s:,.0f} tasks/s")
    truncate()
    return {
        "ingest_per_s": args.count / api_s,
        "ingest_naive_per_s": args.naive_count / naive_s,
        "copy_limit_per_s": copy,
    }


def main() -> int:
    args = parse_args()
    ensure_servers()
    try:
        with bench_run(BENCH_DB, "ingest") as (env, procs):
            describe_server()
            truncate()
            results = measure(args, env, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    say(f"RESULT ingest_per_s {results['ingest_per_s']:.0f} mentions/s")
    say(f"RESULT ingest_naive_per_s {results['ingest_naive_per_s']:.0f} mentions/s")
    say(f"RESULT copy_limit_per_s {results['copy_limit_per_s']:.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
