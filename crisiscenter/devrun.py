"""`make run`: embedded servers, migrations, demo data, then every process together.

Logs of the web server, Celery worker, Celery beat, the hub follower and the demo mention
stream are interleaved with a prefix each. Each runs under crisiscenter.supervise: one that
dies is started again, and the log says so. Ctrl-C stops them all, then the embedded servers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request

from honcho.manager import Manager

from . import embedded
from .wsdeflate import WS_PROTOCOL

PY = sys.executable


def _banner(port: str, password: str, *, ready: bool) -> str:
    state = "is serving" if ready else "is starting"
    return (
        f"\n  Crisis Center {state} at http://localhost:{port}/\n"
        f"  logins: lead, agent, volunteer, admin — password {password}\n"
        f"  public hub page: http://localhost:{port}/hub/   (Ctrl-C stops everything)\n"
    )


def _announce_when_ready(port: str, password: str, stop: threading.Event) -> None:
    """The first banner scrolls away under the processes' start-up logs: say it again once the
    web server answers."""
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            # A fixed http://127.0.0.1 URL: no scheme or host from outside.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # nosec B310
                print(_banner(port, password, ready=True), flush=True)
                return
        except OSError:
            stop.wait(0.5)


def main() -> int:
    root = embedded.var_dir()
    port = os.environ.get("PORT", "8000")
    rate = os.environ.get("SIMULATE_RATE", "1")
    with embedded.services() as services:
        env = {
            **os.environ,
            **services,
            "DEBUG": os.environ.get("DEBUG", "1"),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or embedded.persistent_secret(root / "secret_key", 48),
            "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD")
            or embedded.persistent_secret(root / "demo_password", 9),
            "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", f"http://localhost:{port}"),
            "PYTHONUNBUFFERED": "1",
        }
        for step in (["migrate", "--no-input"], ["seed_demo", "--force"]):
            subprocess.run([PY, "manage.py", *step], env=env, check=True, cwd=embedded.BASE_DIR)

        manager = Manager()
        processes = {
            "web": f"{PY} -m uvicorn crisiscenter.asgi:application --host 127.0.0.1 --port {port}"
            f" --ws {WS_PROTOCOL}",
            "worker": f"{PY} -m celery -A crisiscenter worker -l info -c 2",
            "beat": f"{PY} -m celery -A crisiscenter beat -l info",
            "hub": f"{PY} manage.py hub_follow",
        }
        if float(rate) > 0:
            processes["stream"] = f"{PY} manage.py simulate_crisis --rate {rate}"
        for name, command in processes.items():
            supervised = f"{PY} -m crisiscenter.supervise {name} -- {command}"
            manager.add_process(name, supervised, env=env, cwd=str(embedded.BASE_DIR))

        print(_banner(port, env["DEMO_PASSWORD"], ready=False), flush=True)
        stop = threading.Event()
        threading.Thread(
            target=_announce_when_ready, args=(port, env["DEMO_PASSWORD"], stop), daemon=True
        ).start()
        try:
            manager.loop()
        finally:
            stop.set()
        return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
