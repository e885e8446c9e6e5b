"""`make run` keeps each process running: one that dies is started again, and the log says so."""

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT


def test_a_process_that_dies_is_restarted_and_the_log_says_so(tmp_path):
    starts = tmp_path / "starts"
    # Dies at once the first two times, then stays up.
    script = (
        "import pathlib, sys, time\n"
        f"p = pathlib.Path({str(starts)!r}); n = int(p.read_text() or 0) if p.exists() else 0\n"
        "p.write_text(str(n + 1))\n"
        "sys.exit(3) if n < 2 else time.sleep(60)\n"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "crisiscenter.supervise", "worker", "--", sys.executable, "-c", script],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not starts.exists() or starts.read_text() != "3"):
        time.sleep(0.1)
    assert starts.read_text() == "3"
    assert supervisor.poll() is None
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=10)
    log = supervisor.stderr.read()
    assert "[supervise] worker: exited with code 3; restarting in 1s (restart 1)" in log
    assert "restarting in 2s (restart 2)" in log
    assert "restart 3" not in log  # the third run was up, and SIGTERM stopped it for good


def test_stopping_the_supervisor_stops_its_process(tmp_path):
    pid_file = tmp_path / "pid"
    script = (
        f"import os, pathlib, time; pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(60)\n"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "crisiscenter.supervise", "web", "--", sys.executable, "-c", script], cwd=ROOT
    )
    deadline = time.monotonic() + 10
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=10)
    time.sleep(0.2)
    try:
        os.kill(child, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
