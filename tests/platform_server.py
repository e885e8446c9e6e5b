"""A local HTTP server (stdlib, in a thread on 127.0.0.1) that answers as the X and Meta
APIs do: the documented success bodies, and whatever a test scripts on top (429 with
Retry-After or x-rate-limit-reset, 5xx, OAuthException 190). It records every request,
so a test can count the calls a platform received. bench/switch.py uses it too, with a
delay per answer."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _x_default(seen: Seen) -> Answer:
    if not seen.headers.get("authorization", "").startswith(("OAuth ", "Bearer ")):
        return Answer(401, {"title": "Unauthorized", "detail": "Unauthorized", "status": 401})
    campaign = re.fullmatch(r"/\d+/accounts/([^/]+)/campaigns/([^/]+)", seen.path)
    if seen.method == "PUT" and campaign:
        status = seen.query.get("entity_status", "ACTIVE")
        return Answer(
            200,
            {"data": {"id": campaign.group(2), "account_id": campaign.group(1), "entity_status": status}},
        )
    if seen.method == "POST" and seen.path == "/2/tweets":
        return Answer(201, {"data": {"id": str(int(time.time() * 1000)), "text": seen.json()["text"]}})
    if seen.method == "GET" and seen.path == "/2/tweets/search/recent":
        return Answer(200, {"meta": {"result_count": 0}})
    return None


def _meta_default(seen: Seen) -> Answer | None:
    match = re.fullmatch(r"/v[\d.]+/([^/]+)(?:/(comments|replies))?", seen.path)
    if not match:
        return None
    if not seen.headers.get("authorization", "").startswith("Bearer "):
        return Answer(
            400,
            {"error": {"message": "An access token is required", "type": "OAuthException", "code": 190}},
        )
    if seen.method == "POST" and match.group(2):
        return Answer(200, {"id": f"{match.group(1)}_{int(time.time() * 1000)}"})
    if seen.method == "POST" and "status" in seen.form():
        return Answer(200, {"success": True})
    return None


class _Server(ThreadingHTTPServer):
    """Keeps its open connections so that stopping drops them, as a platform going away does: a
    kept-alive connection would otherwise outlive the server, and a client's next call on it
    would reach this stopped server's script instead of the one that took its port."""

    request_queue_size = 256  # the default 5 drops bursts of connections (1 s SYN retries)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        with self.connections_lock:
            self.connections.add(connection)
        return connection, address

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self.connections_lock:
            open_now = list(self.connections)
        for connection in open_now:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class PlatformServer:
    def __init__(self, delay: float = 0.0, port: int = 0):
        self.delay = delay
        self.requests: list[Seen] = []
        self.in_flight = self.most_in_flight = 0
        self._script: list[tuple[str, str, list[Answer]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                seen = Seen(
                    self.command,
                    parsed.path,
                    dict(urllib.parse.parse_qsl(parsed.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                answer = server._answer(seen)
                with server._lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                if server.delay:
                    time.sleep(server.delay)
                with server._lock:
                    server.in_flight -= 1
                body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> PlatformServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.drop_connections()
        self.httpd.server_close()

    def script(self, method: str, path_pattern: str, *answers: Answer) -> None:
        """The next requests matching method + path (a regex) get these answers, in order."""
        with self._lock:
            self._script.append((method, path_pattern, list(answers)))

    def _answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.requests.append(seen)
            for method, pattern, answers in self._script:
                if answers and method == seen.method and re.fullmatch(pattern, seen.path):
                    return answers.pop(0)
        answer = _x_default(seen) or _meta_default(seen)
        return answer or Answer(404, {"error": {"message": f"no route {seen.path}", "code": 803}})

    def calls(self, method: str, path_pattern: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.method == method and re.fullmatch(path_pattern, r.path)]
