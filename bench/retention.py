"""Retention at size: is partitioning the mentions table by time needed for the purge and the
queue at tens of millions of rows? (docs/benchmarks.md, "Retention")

    .venv/bin/python bench/retention.py [--rows 3000000] [--slice 200000]

Loads --rows synthetic mentions (a year of history, 3 % still open) into a database of its
own, then measures on slices of --slice rows past retention:

- retention_anonymise_per_s: the product's purge (triage.retention.purge_expired: batches of
  RETENTION_BATCH_SIZE, FOR UPDATE SKIP LOCKED, one UPDATE ... RETURNING per batch);
- retention_naive_delete_per_s: the naive purge, one DELETE ... WHERE ingested_at < cutoff;
- retention_rewrite_limit_per_s: the hardware limit for touching those rows at all: the same
  rows written once into an unlogged table with no index (CREATE UNLOGGED TABLE AS SELECT);
- retention_queue_top50_p99_ms, retention_queue_top50_during_purge_p99_ms and
  retention_queue_top50_during_paced_purge_p99_ms: the queue's top-50 query (bench/queue_api.py's
  statement) on the full table: idle, while the purge runs flat out, and while it runs paced
  (--pause seconds between batches, RETENTION_BATCH_PAUSE), with retention_anonymise_paced_per_s.

Dropping a time partition would purge at the speed of a catalog change, whatever the rows;
that is the one thing partitioning would buy, and it needs DELETE, not anonymisation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_run, ensure_servers, say

BENCH_DB = "crisiscenter_bench_retention"
TOP_SQL = (
    "SELECT m.*, u.* FROM triage_mention m LEFT JOIN auth_user u ON u.id = m.claimed_by_id "
    "WHERE m.status IN ('new', 'claimed', 'replied') AND m.tier = %s ORDER BY m.queue_key LIMIT 50"
)
LOAD_CHUNK = 250_000

# A year of history: row g was ingested g/rows of a year ago; 3 % still open, the rest closed.
LOAD_SQL = """
INSERT INTO triage_mention (
    platform, external_id, text, url, lang, created_at, in_reply_to, reshares, replies, quotes,
    sentiment, author_handle, author_name, author_followers, author_verified, author_bio,
    author_kind, score, breakdown, band, topic, tier, ingested_at, sla_due_at, queue_key, status,
    claimed_at, resolved_at)
SELECT
    'x', 'r' || g, 'Is the 08:12 to Leeds running? ' || md5(g::text) || ' ' || md5((g + 7)::text),
    'https://x.com/user' || (g %% 200000) || '/status/' || g, 'en', at, '', g %% 7, g %% 3, 0,
    -0.3, 'user' || (g %% 200000), 'User ' || (g %% 200000), (g * 37) %% 50000, g %% 97 = 0,
    'Commuter, rail user, writes about ' || md5((g %% 200000)::text), 'person', 20 + g %% 60,
    '[{"factor": "reach", "points": 10, "reason": "1,300 followers"},
      {"factor": "urgency", "points": 5, "reason": "a question"}]'::jsonb,
    1 + g %% 4, 'schedule', CASE WHEN g %% 5 = 0 THEN 'expert' ELSE 'first_line' END,
    at, at + interval '15 minutes', at - make_interval(mins => 20 + g %% 60),
    CASE WHEN g %% 100 < 3 THEN 'new' WHEN g %% 100 < 80 THEN 'resolved' ELSE 'dismissed' END,
    at + interval '5 minutes', CASE WHEN g %% 100 >= 3 THEN at + interval '20 minutes' END
FROM (
    SELECT g, now() - make_interval(secs => (%(rows)s - g) * 31536000.0 / %(rows)s) AS at
    FROM generate_series(%(start)s, %(stop)s) AS g
) AS src
"""


def load(rows: int) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE triage_mention, triage_mentionbatch RESTART IDENTITY CASCADE")
        for start in range(1, rows + 1, LOAD_CHUNK):
            stop = min(rows, start + LOAD_CHUNK - 1)
            cur.execute(LOAD_SQL, {"rows": rows, "start": start, "stop": stop})
            say(f"  {stop:,} rows ({time.perf_counter() - started:.0f} s)")
        cur.execute("VACUUM ANALYZE triage_mention")
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('triage_mention'))")
        size = cur.fetchone()[0]
    say(f"loaded {rows:,} mentions in {time.perf_counter() - started:.0f} s; table and indexes {size}")


def cutoff_after(rows_from_oldest: int):
    """The ingested_at before which exactly the oldest `rows_from_oldest` not-anonymised rows lie."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT ingested_at FROM triage_mention WHERE anonymised_at IS NULL "
            "ORDER BY ingested_at OFFSET %s LIMIT 1",
            [rows_from_oldest],
        )
        return cur.fetchone()[0]


def top50(samples: int, stop: threading.Event | None = None) -> list[float]:
    from django.db import connection

    times = []
    try:
        with connection.cursor() as cur:
            for i in range(samples):
                if stop is not None and stop.is_set():
                    break
                started = time.perf_counter()
                cur.execute(TOP_SQL, ["first_line" if i % 2 else "expert"])
                assert len(cur.fetchall()) == 50
                times.append((time.perf_counter() - started) * 1000)
                if stop is not None:
                    time.sleep(0.02)  # an agent's page asking, not a tight loop
    finally:
        connection.close()
    return times


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98] if len(samples) >= 2 else float("nan")


def anonymise_rate(slice_rows: int, pause: float = 0.0) -> tuple[float, list[float]]:
    """Rows/s of the product's purge over the oldest slice, with the queue asked meanwhile."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from triage import retention

    cutoff = cutoff_after(slice_rows)
    days = (timezone.now() - cutoff) / timedelta(days=1)
    stop, during = threading.Event(), []
    asker = threading.Thread(target=lambda: during.extend(top50(100_000, stop)), daemon=True)
    asker.start()
    started = time.perf_counter()
    result = retention.purge_expired(days=days, max_batches=10**6, pause=pause)
    elapsed = time.perf_counter() - started
    stop.set()
    asker.join()
    say(
        f"  product purge, {pause} s between batches: {result.anonymised:,} rows in {elapsed:.1f} s "
        f"(batches of {settings.RETENTION_BATCH_SIZE}); top-50 asked {len(during)} times meanwhile, "
        f"p50 {statistics.median(during):.1f} ms, p99 {p99(during):.1f} ms"
    )
    return result.anonymised / elapsed, during


def naive_delete_rate(slice_rows: int) -> float:
    from django.db import connection, transaction

    cutoff = cutoff_after(slice_rows)
    with transaction.atomic(), connection.cursor() as cur:
        started = time.perf_counter()
        cur.execute("DELETE FROM triage_mention WHERE anonymised_at IS NULL AND ingested_at < %s", [cutoff])
        deleted = cur.rowcount
        elapsed = time.perf_counter() - started
    say(f"  naive DELETE: {deleted:,} rows in {elapsed:.1f} s")
    return deleted / elapsed


def rewrite_limit(slice_rows: int) -> float:
    from django.db import connection

    cutoff = cutoff_after(slice_rows)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_rewrite")
        started = time.perf_counter()
        cur.execute(
            "CREATE UNLOGGED TABLE bench_rewrite AS SELECT * FROM triage_mention "
            "WHERE anonymised_at IS NULL AND ingested_at < %s",
            [cutoff],
        )
        elapsed = time.perf_counter() - started
        cur.execute("SELECT count(*) FROM bench_rewrite")
        copied = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_rewrite")
    say(f"  rewrite limit: {copied:,} rows copied, no index, unlogged, in {elapsed:.1f} s")
    return copied / elapsed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=3_000_000, help="mentions in the table")
    parser.add_argument("--slice", type=int, default=200_000, help="rows purged by each method")
    parser.add_argument("--samples", type=int, default=300, help="top-50 queries on the idle table")
    parser.add_argument("--skip-load", action="store_true", help="reuse the rows of the last run")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between batches, paced purge")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    ensure_servers()
    with bench_run(BENCH_DB, "retention"):
        if not args.skip_load:
            load(args.rows)
        idle = top50(args.samples)
        median = statistics.median(idle)
        say(f"  queue top-50 on {args.rows:,} rows, idle: p50 {median:.1f} ms, p99 {p99(idle):.1f} ms")
        limit = rewrite_limit(args.slice)
        anonymise, during = anonymise_rate(args.slice)
        paced, during_paced = anonymise_rate(args.slice // 2, pause=args.pause)
        naive = naive_delete_rate(args.slice)
    say(f"RESULT retention_anonymise_per_s {anonymise:.0f} rows/s")
    say(f"RESULT retention_anonymise_paced_per_s {paced:.0f} rows/s")
    say(f"RESULT retention_naive_delete_per_s {naive:.0f} rows/s")
    say(f"RESULT retention_rewrite_limit_per_s {limit:.0f} rows/s")
    say(f"RESULT retention_queue_top50_p99_ms {p99(idle):.1f} ms")
    say(f"RESULT retention_queue_top50_during_purge_p99_ms {p99(during):.1f} ms")
    say(f"RESULT retention_queue_top50_during_paced_purge_p99_ms {p99(during_paced):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
