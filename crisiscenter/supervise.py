"""Keep one process running: `python -m crisiscenter.supervise NAME -- COMMAND [ARGS...]`.

`make run` (crisiscenter.devrun) starts every process through this, so one that dies (a worker
that exits when Redis restarts, a web server that crashes) is started again and says so in the
log, instead of honcho stopping everything. SIGTERM or SIGINT stops the process and the
supervisor. A process that keeps dying is restarted after a growing pause (1 s to 30 s), reset
once it has stayed up for a minute. In production the container runtime plays this part
(docker-compose.yml: `restart: unless-stopped`, and healthchecks).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

FIRST_PAUSE_S, LONGEST_PAUSE_S, STABLE_AFTER_S = 1.0, 30.0, 60.0


def log(name: str, message: str) -> None:
    print(f"[supervise] {name}: {message}", file=sys.stderr, flush=True)


def supervise(name: str, command: list[str]) -> int:
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pause, restarts = FIRST_PAUSE_S, 0
    while not stopping.is_set():
        started = time.monotonic()
        child = subprocess.Popen(command)
        code = child.wait()
        if stopping.is_set():
            return code
        if time.monotonic() - started >= STABLE_AFTER_S:
            pause = FIRST_PAUSE_S
        restarts += 1
        log(name, f"exited with code {code}; restarting in {pause:.0f}s (restart {restarts})")
        if stopping.wait(pause):
            return code
        pause = min(pause * 2, LONGEST_PAUSE_S)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    return supervise(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
