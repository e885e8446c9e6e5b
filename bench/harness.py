"""What a benchmark in bench/ needs around it: servers, a database of its own, child
processes that are always stopped, and an account of where the CPU went.

Not a benchmark itself (`make bench` runs every bench/*.py: this one does nothing).
Nothing here imports Django until setup_django() has pointed it at the bench database.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LOG_DIR = ROOT / "var" / "bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def say(message: str) -> None:
    print(message, flush=True)


# --- servers and the bench database ---------------------------------------------
def ensure_servers() -> None:
    """Without DATABASE_URL / REDIS_URL, run this script again inside crisiscenter.embedded."""
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    if os.environ.get("BENCH_WRAPPED"):
        sys.exit("crisiscenter.embedded did not set DATABASE_URL and REDIS_URL")
    os.environ["BENCH_WRAPPED"] = "1"
    os.chdir(ROOT)
    script = str(Path(sys.argv[0]).resolve())
    os.execv(PY, [PY, "-m", "crisiscenter.embedded", "--", PY, script, *sys.argv[1:]])


def database_url(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def create_database(url: str, name: str) -> None:
    """CREATE DATABASE name on the server of url, unless it is there already."""
    import dj_database_url
    import psycopg2

    db = dj_database_url.parse(url)
    params = {"user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
    admin = psycopg2.connect(dbname="postgres", **{k: v for k, v in params.items() if v})
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
                say(f"created database {name}")
    finally:
        admin.close()


def bench_env(database: str, tag: str) -> dict[str, str]:
    """The environment the bench and its children share: own database, queue and prefix."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(os.environ["DATABASE_URL"], database),
        "CELERY_QUEUE": f"bench-{tag}-{os.getpid()}",
        "CHANNEL_PREFIX": f"bench{tag}{os.getpid()}",
        "DEBUG": "0",  # production settings: no query log in the web or worker processes
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # The benches' stand-in platforms listen on 127.0.0.1 (core.netguard refuses it otherwise).
        "OUTBOUND_ALLOW_PRIVATE_HOSTS": "1",
    }


def migrate(env: dict[str, str]) -> None:
    command = [PY, "manage.py", "migrate", "--no-input"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"migrate failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
    import django

    django.setup()


def purge_queue(name: str) -> None:
    """Drop what is left in the bench's Celery queue (after an interrupted run)."""
    from crisiscenter.celery import app

    with contextlib.suppress(Exception), app.connection_for_write() as conn:
        conn.default_channel.queue_purge(name)


@contextlib.contextmanager
def bench_run(database: str, tag: str, **extra_env: str) -> Iterator[tuple[dict[str, str], Processes]]:
    """A bench's database (created, migrated, Django pointed at it) and its child processes,
    always stopped, with whatever is left in its Celery queue dropped. SIGTERM ends it too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = bench_env(database, tag) | extra_env
    create_database(os.environ["DATABASE_URL"], database)
    migrate(env)
    setup_django(env)
    procs = Processes()
    try:
        yield env, procs
    finally:
        procs.stop_all()
        purge_queue(env["CELERY_QUEUE"])


# --- child processes --------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Children in process groups of their own: stopping one reaches its children too,
    and a Ctrl-C reaches only the bench, which then stops them in order."""

    def __init__(self) -> None:
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with (LOG_DIR / f"{name}.log").open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.started[name] = process
        return process

    def start_http(self, name: str, command: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
        """start(), then wait (60 s at most) until GET /healthz on port answers."""
        process = self.start(name, command, env)
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return process
            except OSError:
                self.check_alive()
                if time.monotonic() > deadline:
                    log = self.log_tail(name)
                    raise RuntimeError(f"{name} did not answer on port {port}:\n{log}") from None
                time.sleep(0.2)

    def log_tail(self, name: str) -> str:
        return (LOG_DIR / f"{name}.log").read_text(errors="replace")[-3000:]

    def check_alive(self) -> None:
        for name, process in self.started.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")

    def stop_all(self, grace: float = 20) -> None:
        for process in self.started.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.started.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # what is left of the group, if anything
            process.wait()
        self.started.clear()


# --- where the CPU went -------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # the fields from `state` on


def tree_cpu_seconds(root: int | None) -> float:
    """CPU of a process, its live descendants and the children they have reaped."""
    if root is None:
        return 0.0
    stats, children = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += sum(int(v) for v in stats[pid][11:15])  # utime stime cutime cstime
            todo.extend(children.get(pid, []))
    return total / CLOCK_TICKS


def _local_pid(pid: int, *names: str) -> int | None:
    """pid if it is a process of this machine with one of these names (the server may be remote)."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
    return pid if comm.startswith(names) else None


def postgres_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        fields = _stat(cur.fetchone()[0])
    return _local_pid(int(fields[1]), "postgres", "postmaster") if fields else None


def redis_pid() -> int | None:
    import redis
    from django.conf import settings

    try:
        pid = redis.Redis.from_url(settings.REDIS_URL).info("server")["process_id"]
    except (redis.RedisError, KeyError):
        return None
    return _local_pid(int(pid), "redis")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle (every process, ours or not)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class CpuMeter:
    """Prints where the CPU went during a phase: ours by process tree, and everyone else's."""

    pids: dict[str, int | None]
    start: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0

    def _now(self) -> dict[str, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            **{name: tree_cpu_seconds(pid) for name, pid in self.pids.items()},
            "bench client": usage.ru_utime + usage.ru_stime,
            "machine": machine_busy_seconds(),
        }

    def __enter__(self) -> CpuMeter:
        self.start, self.wall = self._now(), time.monotonic()
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is not None:
            return
        end, wall = self._now(), time.monotonic() - self.wall
        used = {name: end[name] - self.start[name] for name in end}
        machine = used.pop("machine")
        self.used = used  # CPU-seconds by name, for figures per request
        ours = sum(used.values())
        parts = " | ".join(f"{name} {seconds:.1f}" for name, seconds in used.items())
        cores = os.cpu_count() or 1
        say(
            f"  cpu-s: {parts} | ours {ours:.1f}, other processes {max(0.0, machine - ours):.1f}, "
            f"of {wall * cores:.1f} available ({wall:.1f} s x {cores} cores)"
        )
