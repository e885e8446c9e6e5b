"""The queue with a million mentions stored: the top 50 for a tier, and 50 agents claiming at once.

    .venv/bin/python bench/queue_api.py [--rows 1000000] [--requests 400] [--rounds 20] [--agents 50]

Figures from one run, on a database of its own (crisiscenter_bench_queue; kept between
runs, reloaded only when its row count differs from --rows):

- queue_top50_p99_ms: GET /api/v1/mentions/?tier=...&limit=50 as the agent's page asks for
  its tier's top 50, one client after another through gunicorn (4 sync workers, as the
  Dockerfile runs it), beside the bare SQL SELECT of those 50 rows on one psycopg2
  connection in the same run.
- claim_p99_ms: 50 agents, each with a keep-alive connection of their own, released at
  the same instant to POST /api/v1/queue/next/ (the top unclaimed mention for their tier,
  claimed atomically); --rounds bursts. Beside it, the same burst as bare SQL (SELECT ...
  FOR UPDATE SKIP LOCKED + UPDATE, one transaction, 50 connections) and the floor the two
  cores set: a burst of 50 cannot finish before 50 x (CPU per claim) / cores.

The million rows go in by one COPY: 1,000 mentions scored by the product's build_mention,
repeated with fresh ids and times spread over 30 days; 5 % of them open (as a real
history would be: most answered, resolved or dismissed).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

# Not named bench/queue.py: bench/ is first on sys.path when a bench runs, and a queue.py
# there would shadow the standard library's queue module for every bench script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` as a package

from bench.harness import (
    PY,
    CpuMeter,
    Processes,
    bench_env,
    create_database,
    ensure_servers,
    free_port,
    migrate,
    postgres_pid,
    purge_queue,
    redis_pid,
    say,
    setup_django,
)

BENCH_DB = "crisiscenter_bench_queue"
OPEN_SHARE = 0.05


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return f"p50 {at(0.5):.1f} ms, p90 {at(0.9):.1f} ms, p99 {at(0.99):.1f} ms, max {ordered[-1]:.1f} ms"


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


# --- a million rows by COPY ---------------------------------------------------------
def stored() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM triage_mention")
        return cur.fetchone()[0]


def load(rows: int) -> None:
    """TRUNCATE, then COPY `rows` mentions: 1,000 scored ones repeated with fresh ids and times."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.ingest import make_mentions, score_all
    from triage import bulk
    from triage.models import Mention, MentionStatus

    base = score_all(make_mentions(1000))
    fields = [f for f in Mention._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    encoders = [bulk.encoder(f) for f in fields]
    templates = [
        [None if (v := getattr(m, n)) is None else enc(v) for n, enc in zip(names, encoders, strict=True)]
        for m in base
    ]
    col = {name: i for i, name in enumerate(names)}
    rng, now = random.Random(4), timezone.now()
    # history: most resolved, some dismissed, a few replied and not yet resolved (still open)
    closed = [MentionStatus.RESOLVED] * 15 + [MentionStatus.DISMISSED] * 4 + [MentionStatus.REPLIED]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE triage_mention, triage_mentionbatch RESTART IDENTITY CASCADE")
        for chunk in range(0, rows, 100_000):
            lines = []
            for i in range(chunk, min(rows, chunk + 100_000)):
                row = list(templates[i % 1000])
                at = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
                score = int(row[col["score"]])
                row[col["external_id"]] = f"q{i}"
                row[col["ingested_at"]] = at.isoformat()
                row[col["sla_due_at"]] = (at + timedelta(minutes=15)).isoformat()
                row[col["queue_key"]] = (at - timedelta(minutes=score)).isoformat()
                row[col["status"]] = MentionStatus.NEW if rng.random() < OPEN_SHARE else rng.choice(closed)
                lines.append("\t".join(bulk.NULL if v is None else v for v in row))
            cur.copy_expert(
                f"COPY triage_mention ({columns}) FROM STDIN", io.StringIO("\n".join(lines) + "\n")
            )
            say(f"  {min(rows, chunk + 100_000):,} rows")
        cur.execute("ANALYZE triage_mention")
    say(f"loaded {rows:,} mentions by COPY in {time.perf_counter() - started:.0f} s")


def seed_agents(count: int) -> list[tuple[str, str]]:
    """(token, tier) per agent: half experienced agents, half volunteers (first line only)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from crisiscenter.roles import Role, grant

    agents = []
    for i in range(count):
        role = Role.AGENT if i % 2 else Role.VOLUNTEER
        user, _ = get_user_model().objects.get_or_create(username=f"bench_agent_{i}")
        grant(user, role)
        tier = "expert" if role == Role.AGENT else "first_line"
        agents.append((Token.objects.get_or_create(user=user)[0].key, tier))
    return agents


def release_bench_claims() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE triage_mention SET status = 'new', claimed_by_id = NULL, claimed_at = NULL "
            "WHERE status = 'claimed'"
        )
        return cur.rowcount


# --- the web server -----------------------------------------------------------------
def start_web(procs: Processes, env: dict[str, str], workers: int) -> int:
    port = free_port()
    command = [PY, "-m", "gunicorn", "crisiscenter.wsgi", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]  # fmt: skip
    procs.start("web", command, env)
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return port
        except OSError:
            procs.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{procs.log_tail('web')}") from None
            time.sleep(0.2)


def get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    return response.status, response.read()


def post(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[int, bytes]:
    conn.request("POST", path, body=b"", headers={"Authorization": f"Token {token}", "Content-Length": "0"})
    response = conn.getresponse()
    return response.status, response.read()


# --- top 50 -----------------------------------------------------------------------
TOP_SQL = (
    "SELECT m.*, u.* FROM triage_mention m LEFT JOIN auth_user u ON u.id = m.claimed_by_id "
    "WHERE m.status IN ('new', 'claimed', 'replied') AND m.tier = %s ORDER BY m.queue_key LIMIT 50"
)


def top50_api(port: int, agents: list[tuple[str, str]], requests: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    for i in range(requests + 20):
        token, tier = agents[i % len(agents)]
        started = time.perf_counter()
        status, body = get(conn, f"/api/v1/mentions/?tier={tier}&limit=50", token)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or len(json.loads(body)["results"]) != 50:
            raise RuntimeError(f"top 50: HTTP {status}: {body[:300]!r}")
        if i >= 20:  # the first ones warm the workers' connections and caches
            samples.append(elapsed)
    conn.close()
    return samples


def top50_sql(requests: int) -> list[float]:
    from django.db import connection

    samples = []
    with connection.cursor() as cur:
        for i in range(requests + 20):
            started = time.perf_counter()
            cur.execute(TOP_SQL, ["first_line" if i % 2 else "expert"])
            rows = cur.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            assert len(rows) == 50
            if i >= 20:
                samples.append(elapsed)
    return samples


def explain_top() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + TOP_SQL, ["expert"])
        plan = [row[0] for row in cur.fetchall()]
    say("  plan of the top 50 (expert tier):\n    " + "\n    ".join(plan[:8]))


# --- claims -------------------------------------------------------------------------
def burst(workers: int, rounds: int, act) -> list[float]:
    """`workers` threads, each calling act(i) once per round, released together; latencies in ms."""
    barrier = threading.Barrier(workers + 1)
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        state: dict = {}
        for _ in range(rounds):
            barrier.wait()
            started = time.perf_counter()
            try:
                act(i, state)
            except Exception as exc:  # reported after the run
                errors.append(f"{type(exc).__name__}: {exc}")
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                samples.append(elapsed)
            barrier.wait()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for _ in range(rounds):
        barrier.wait()  # go
        barrier.wait()  # all done
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} claims failed, first: {errors[0]}")
    return samples


def claim_api(port: int, agents: list[tuple[str, str]], rounds: int) -> list[float]:
    def act(i: int, state: dict) -> None:
        conn = state.setdefault("conn", http.client.HTTPConnection("127.0.0.1", port, timeout=30))
        status, body = post(conn, "/api/v1/queue/next/", agents[i][0])
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")

    for i in range(len(agents)):  # warm-up: every agent's connection and worker once
        act(i, {})
    release_bench_claims()
    return burst(len(agents), rounds, act)


def claim_sql(agents: list[tuple[str, str]], rounds: int, user_ids: list[int]) -> list[float]:
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()

    def act(i: int, state: dict) -> None:
        if "conn" not in state:
            state["conn"] = psycopg2.connect(**params)
        conn = state["conn"]
        tier_filter = "" if agents[i][1] == "expert" else "AND tier = 'first_line' "
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM triage_mention WHERE status = 'new' "
                + tier_filter
                + "ORDER BY queue_key LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
            (pk,) = cur.fetchone()
            cur.execute(
                "UPDATE triage_mention SET status = 'claimed', claimed_by_id = %s, claimed_at = now() "
                "WHERE id = %s",
                [user_ids[i], pk],
            )

    return burst(len(agents), rounds, act)


# --- main -------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="mentions stored (1,000,000)")
    parser.add_argument("--requests", type=int, default=400, help="top-50 requests measured (400)")
    parser.add_argument("--agents", type=int, default=50, help="agents claiming at once (50)")
    parser.add_argument("--rounds", type=int, default=20, help="claim bursts (20)")
    parser.add_argument("--reload", action="store_true", help="load the rows again even if there")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers (4)")
    return parser.parse_args()


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes) -> dict[str, float]:
    if args.reload or stored() != args.rows:
        load(args.rows)
    release_bench_claims()
    agents = seed_agents(args.agents)
    from django.contrib.auth import get_user_model

    user_ids = list(
        get_user_model()
        .objects.filter(username__startswith="bench_agent_")
        .order_by("username")
        .values_list("id", flat=True)
    )[: args.agents]
    port = start_web(procs, env, args.web_workers)
    pids = {"web": procs.started["web"].pid, "postgres": postgres_pid(), "redis": redis_pid()}

    say(f"top 50 for a tier, {args.requests} requests one after another")
    explain_top()
    sql = top50_sql(args.requests)
    say(f"  bare SQL: {percentiles(sql)}")
    with CpuMeter(pids):
        api = top50_api(port, agents, args.requests)
    say(f"  API:      {percentiles(api)}")

    say(f"claims: {args.agents} agents at once, {args.rounds} bursts")
    with CpuMeter(pids) as meter:
        claims = claim_api(port, agents, args.rounds)
    say(f"  API (POST /api/v1/queue/next/): {percentiles(claims)}")
    del meter
    release_bench_claims()
    with CpuMeter(pids):
        bare = claim_sql(agents, args.rounds, user_ids)
    say(f"  bare SQL (SKIP LOCKED + UPDATE): {percentiles(bare)}")
    released = release_bench_claims()
    say(f"  released {released:,} claims")
    return {
        "queue_top50_p99_ms": p99(api),
        "queue_top50_sql_p99_ms": p99(sql),
        "claim_p99_ms": p99(claims),
        "claim_sql_p99_ms": p99(bare),
    }


def main() -> int:
    args = parse_args()
    ensure_servers()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = bench_env(BENCH_DB, "queue")
    create_database(os.environ["DATABASE_URL"], BENCH_DB)
    migrate(env)
    setup_django(env)
    procs = Processes()
    try:
        results = measure(args, env, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        procs.stop_all()
        purge_queue(env["CELERY_QUEUE"])
    for name, value in results.items():
        say(f"RESULT {name} {value:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
