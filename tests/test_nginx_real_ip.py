"""deploy/nginx.conf passes on the client's address: from X-Forwarded-For only when the peer is
a proxy it was told to trust (set_real_ip_from), else the peer itself, whatever the header says."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.hub import Processes, local_nginx_config, start_nginx
from tests.conftest import free_port


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def app():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def front(app: str, tmp_path, trusted: str | None) -> tuple[str, Processes]:
    if not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx-light")
        pytest.skip("nginx is not installed")
    port = free_port()
    conf = local_nginx_config(hub_root=tmp_path / "hub", port=port, app=app, work=tmp_path)
    example = "# set_real_ip_from 198.51.100.0/24;"
    assert example in conf
    if trusted:
        conf = conf.replace(example, f"set_real_ip_from {trusted};")
    processes = Processes()
    start_nginx(processes, "test-real-ip-nginx", conf, tmp_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=1).read()
            return base, processes
        except OSError:
            if time.monotonic() > deadline:
                processes.stop_all()
                raise
            time.sleep(0.05)


def seen(base: str, forwarded: str) -> dict:
    request = urllib.request.Request(f"{base}/accounts/login/", headers={"X-Forwarded-For": forwarded})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_an_untrusted_peer_cannot_name_its_own_address(app, tmp_path):
    base, processes = front(app, tmp_path, trusted=None)
    try:
        headers = seen(base, "203.0.113.66")
        assert headers["x-real-ip"] == "127.0.0.1"
        # Django reads X-Forwarded-For from the right: what nginx appended is the peer.
        assert headers["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1"
    finally:
        processes.stop_all()


def test_a_trusted_proxy_passes_the_client_on(app, tmp_path):
    base, processes = front(app, tmp_path, trusted="127.0.0.1")
    try:
        headers = seen(base, "10.9.9.9, 203.0.113.66")
        assert headers["x-real-ip"] == "203.0.113.66"
        assert headers["x-forwarded-for"].split(",")[-1].strip() == "203.0.113.66"
    finally:
        processes.stop_all()
