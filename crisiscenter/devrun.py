"""`make run`: embedded servers, migrations, demo data, then every process together.

Logs of the web server, Celery worker, Celery beat, the hub follower and the demo mention
stream are interleaved with a prefix each. Each runs under crisiscenter.supervise: one that
dies is started again, and the log says so. Ctrl-C stops them all, then the embedded servers.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from honcho.manager import Manager

from . import embedded

PY = sys.executable


def _persistent_secret(path: Path, length: int) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    root = embedded.var_dir()
    port = os.environ.get("PORT", "8000")
    rate = os.environ.get("SIMULATE_RATE", "1")
    with embedded.services() as services:
        env = {
            **os.environ,
            **services,
            "DEBUG": os.environ.get("DEBUG", "1"),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or _persistent_secret(root / "secret_key", 48),
            "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD") or _persistent_secret(root / "demo_password", 9),
            "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", f"http://localhost:{port}"),
            "PYTHONUNBUFFERED": "1",
        }
        for step in (["migrate", "--no-input"], ["seed_demo"]):
            subprocess.run([PY, "manage.py", *step], env=env, check=True, cwd=embedded.BASE_DIR)

        manager = Manager()
        processes = {
            "web": f"{PY} -m uvicorn crisiscenter.asgi:application --host 127.0.0.1 --port {port}",
            "worker": f"{PY} -m celery -A crisiscenter worker -l info -c 2",
            "beat": f"{PY} -m celery -A crisiscenter beat -l info",
            "hub": f"{PY} manage.py hub_follow",
        }
        if float(rate) > 0:
            processes["stream"] = f"{PY} manage.py simulate_crisis --rate {rate}"
        for name, command in processes.items():
            supervised = f"{PY} -m crisiscenter.supervise {name} -- {command}"
            manager.add_process(name, supervised, env=env, cwd=str(embedded.BASE_DIR))

        print(
            f"\n  Crisis Center is starting at http://localhost:{port}/\n"
            f"  logins: lead, agent, volunteer, admin — password {env['DEMO_PASSWORD']}\n"
            f"  public hub page: http://localhost:{port}/hub/   (Ctrl-C stops everything)\n",
            flush=True,
        )
        manager.loop()
        return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
