"""The queue with a million mentions stored: the top 50 for a tier, and 50 agents claiming at once.

    .venv/bin/python bench/queue_api.py [--rows 1000000] [--requests 400] [--rounds 20] [--agents 50]

Figures from one run, on a database of its own (crisiscenter_bench_queue; kept between
runs, reloaded only when its row count differs from --rows). Every request is made as the
agent's page makes it: session cookie, and for a POST the CSRF header.

- queue_top50_p99_ms: GET /api/v1/mentions/?tier=...&limit=50 as the agent's page asks for
  its tier's top 50, one client after another through gunicorn (4 sync workers, as the
  Dockerfile runs it), beside the bare SQL SELECT of those 50 rows on one psycopg2
  connection and an empty request (GET /healthz, queue_empty_request_p99_ms) one after
  another, in the same run.
- claim_p99_ms: 50 agents, each on a connection of their own, their POST /api/v1/queue/next/
  (the top unclaimed mention for their tier, claimed atomically) written at the same
  instant from one asyncio loop (bench/bursts.py); --rounds bursts. Beside it in the same
  run: the same bursts of an empty request (GET /healthz: the web server's floor), the
  product's claim statement as bare SQL on 50 connections at once (claim_sql_p99_ms), the
  CPU each claim costs and the end of a burst that CPU allows on this machine's cores.
- claim_paced_p99_ms: the same 50 agents claiming at their own moments (Poisson arrivals,
  --pace claims a second in all) for --pace-seconds.

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
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

# Not named bench/queue.py: bench/ is first on sys.path when a bench runs, and a queue.py
# there would shadow the standard library's queue module for every bench script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` as a package

from bench.bursts import http_bursts, http_paced, http_request, sql_bursts
from bench.harness import (
    CpuMeter,
    Processes,
    bench_run,
    ensure_servers,
    postgres_pid,
    redis_pid,
    say,
)
from bench.ingest import start_web

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


class Agent(NamedTuple):
    user_id: int
    tier: str
    headers: dict[str, str]  # what the agent's page sends: session cookie and CSRF token


def seed_agents(count: int) -> list[Agent]:
    """Half experienced agents, half volunteers (first line only), each logged in as the page is."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from core.roles import Role, grant

    agents = []
    for i in range(count):
        role = Role.AGENT if i % 2 else Role.VOLUNTEER
        user, _ = get_user_model().objects.get_or_create(username=f"bench_agent_{i}")
        grant(user, role)
        session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
        session[SESSION_KEY], session[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
        # The backend that signs users in (the lockout check before it only refuses).
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session.create()
        csrf = get_random_string(32)
        headers = {"Cookie": f"sessionid={session.session_key}; csrftoken={csrf}", "X-CSRFToken": csrf}
        agents.append(Agent(user.pk, "expert" if role == Role.AGENT else "first_line", headers))
    return agents


def release_bench_claims() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE triage_mention SET status = 'new', claimed_by_id = NULL, claimed_at = NULL "
            "WHERE status = 'claimed'"
        )
        return cur.rowcount


# --- top 50 -----------------------------------------------------------------------
TOP_SQL = (
    "SELECT m.*, u.* FROM triage_mention m LEFT JOIN auth_user u ON u.id = m.claimed_by_id "
    "WHERE m.status IN ('new', 'claimed', 'replied') AND m.tier = %s ORDER BY m.queue_key LIMIT 50"
)


WARM_UP = 20  # the first requests warm the workers' connections and caches


def gets_one_after_another(
    port: int,
    requests: int,
    target: Callable[[int], tuple[str, dict[str, str]]],
    check: Callable[[bytes], bool],
) -> list[float]:
    """`requests` GETs of target(i) (path, headers) on one connection, after WARM_UP more: each
    one's milliseconds. A 200 whose body passes `check` or the run stops."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    for i in range(requests + WARM_UP):
        path, headers = target(i)
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        status, body = response.status, response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or not check(body):
            raise RuntimeError(f"GET {path}: HTTP {status}: {body[:300]!r}")
        if i >= WARM_UP:
            samples.append(elapsed)
    conn.close()
    return samples


def top50_api(port: int, agents: list[Agent], requests: int) -> list[float]:
    def target(i: int) -> tuple[str, dict[str, str]]:  # the agents in turn
        agent = agents[i % len(agents)]
        return f"/api/v1/mentions/?tier={agent.tier}&limit=50", agent.headers

    return gets_one_after_another(port, requests, target, lambda body: len(json.loads(body)["results"]) == 50)


def healthz_api(port: int, requests: int) -> list[float]:
    """GET /healthz one after another: what any request through gunicorn costs at the least
    (the probe answers before the session, the user and the view)."""
    return gets_one_after_another(port, requests, lambda i: ("/healthz", {}), lambda body: True)


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
def claim_api(port: int, agents: list[Agent], rounds: int) -> list[float]:
    """Every agent's POST /api/v1/queue/next/ written at the same instant, `rounds` times."""
    requests = [http_request("POST", "/api/v1/queue/next/", a.headers) for a in agents]
    return http_bursts(port, requests, rounds, between=release_bench_claims)


def empty_requests(port: int, agents: list[Agent], rounds: int) -> list[float]:
    """The web server's own floor: the same bursts of GET /healthz (no query, no auth)."""
    requests = [http_request("GET", "/healthz", a.headers) for a in agents]
    return http_bursts(port, requests, rounds)


def claim_sql(agents: list[Agent], rounds: int) -> list[float]:
    """The product's own claim statement (triage.services.next_for), one connection per agent."""
    from django.db import connection
    from django.utils import timezone

    from triage.models import MentionStatus, Tier
    from triage.services import _next_sql

    statements = []
    for agent in agents:
        sql = _next_sql(first_line_only=agent.tier == "first_line")
        args = {"claimed": MentionStatus.CLAIMED, "agent": agent.user_id, "now": timezone.now(),
                "new": MentionStatus.NEW, "first_line": Tier.FIRST_LINE}  # fmt: skip
        statements.append((sql, args))
    return sql_bursts(connection.get_connection_params(), statements, rounds, between=release_bench_claims)


def claim_paced(port: int, agents: list[Agent], per_second: float, seconds: float) -> list[float]:
    requests = [http_request("POST", "/api/v1/queue/next/", a.headers) for a in agents]
    try:
        return http_paced(port, requests, per_second, seconds)
    finally:
        release_bench_claims()


def per_request_ms(meter: CpuMeter, name: str, requests: int) -> float:
    return meter.used[name] / requests * 1000


# --- main -------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="mentions stored (1,000,000)")
    parser.add_argument("--requests", type=int, default=400, help="top-50 requests measured (400)")
    parser.add_argument("--agents", type=int, default=50, help="agents claiming at once (50)")
    parser.add_argument("--rounds", type=int, default=20, help="claim bursts (20)")
    parser.add_argument("--reload", action="store_true", help="load the rows again even if there")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--pace", type=float, default=50.0, help="claims a second in the paced run (50)")
    parser.add_argument("--pace-seconds", type=float, default=20.0, help="length of the paced run (20)")
    return parser.parse_args()


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes) -> dict[str, float]:
    if args.reload or stored() != args.rows:
        load(args.rows)
    release_bench_claims()
    agents = seed_agents(args.agents)
    _, port = start_web(procs, env, args.web_workers)
    pids = {"web": procs.started["web"].pid, "postgres": postgres_pid(), "redis": redis_pid()}

    say(f"top 50 for a tier, {args.requests} requests one after another")
    explain_top()
    sql = top50_sql(args.requests)
    say(f"  bare SQL: {percentiles(sql)}")
    with CpuMeter(pids):
        api = top50_api(port, agents, args.requests)
    say(f"  API:      {percentiles(api)}")
    empty = healthz_api(port, args.requests)
    say(f"  empty request (GET /healthz), one after another: {percentiles(empty)}")

    say(f"claims: {args.agents} agents at once, {args.rounds} bursts (+1 to warm up)")
    with CpuMeter(pids) as meter:
        floor = empty_requests(port, agents, args.rounds)
    say(f"  empty request (GET /healthz), same bursts: {percentiles(floor)}")
    with CpuMeter(pids) as meter:
        claims = claim_api(port, agents, args.rounds)
    claimed = len(claims) + args.agents
    web, postgres = per_request_ms(meter, "web", claimed), per_request_ms(meter, "postgres", claimed)
    client = per_request_ms(meter, "bench client", claimed)
    say(f"  API (POST /api/v1/queue/next/): {percentiles(claims)}")
    cores = os.cpu_count() or 1
    say(
        f"  CPU per claim: web {web:.2f} ms, PostgreSQL {postgres:.2f} ms, bench client {client:.2f} ms; "
        f"a burst of {args.agents} on {cores} cores cannot end before "
        f"{args.agents * (web + postgres + client) / cores:.0f} ms"
    )
    with CpuMeter(pids) as meter:
        bare = claim_sql(agents, args.rounds)
    say(f"  bare SQL (the same statement, {args.agents} connections at once): {percentiles(bare)}")
    say(f"    PostgreSQL CPU per claim: {per_request_ms(meter, 'postgres', len(bare) + args.agents):.2f} ms")
    say(f"claims at a pace: {args.agents} agents, {args.pace:.0f} claims/s in all, {args.pace_seconds:.0f} s")
    with CpuMeter(pids):
        paced = claim_paced(port, agents, args.pace, args.pace_seconds)
    say(f"  API: {percentiles(paced)}")
    released = release_bench_claims()
    say(f"  released {released:,} claims")
    return {
        "queue_top50_p99_ms": p99(api),
        "queue_top50_sql_p99_ms": p99(sql),
        "queue_empty_request_p99_ms": p99(empty),
        "claim_p99_ms": p99(claims),
        "claim_sql_p99_ms": p99(bare),
        "claim_empty_request_p99_ms": p99(floor),
        "claim_paced_p99_ms": p99(paced),
    }


def main() -> int:
    args = parse_args()
    ensure_servers()
    try:
        with bench_run(BENCH_DB, "queue") as (env, procs):
            results = measure(args, env, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    for name, value in results.items():
        say(f"RESULT {name} {value:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
