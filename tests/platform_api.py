"""A local HTTP server (stdlib, a thread on 127.0.0.1) that answers as a platform API does:
scripted answers per route, 429s with reset headers and 5xx included, every request recorded."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # A stream: lines (or raw chunks) written one by one, then the connection closes.
    stream: Iterable[str] | None = None


Handler = Callable[[Seen], Answer]


class PlatformAPI:
    def __init__(self):
        self.requests: list[Seen] = []
        self._scripted: dict[tuple[str, str], deque[Answer | Handler]] = defaultdict(deque)
        self._default: dict[tuple[str, str], Answer | Handler] = {}
        api = self

        class Handler_(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                parsed = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command,
                    parsed.path,
                    urllib.parse.parse_qs(parsed.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                api.requests.append(seen)
                answer = api._answer(seen)
                self._send(answer)

            def _send(self, answer: Answer):
                if answer.stream is not None:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    for line in answer.stream:
                        self.wfile.write(line.encode())
                        self.wfile.flush()
                    self.close_connection = True
                    return
                body = answer.body
                if isinstance(body, (dict, list)):
                    raw, kind = json.dumps(body).encode(), "application/json"
                else:
                    raw, kind = (
                        (body or "").encode() if isinstance(body, str) else (body or b""),
                        "text/plain",
                    )
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.headers.pop("Content-Type", kind))
                self.send_header("Content-Length", str(len(raw)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler_)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, seen: Seen) -> Answer:
        key = (seen.method, seen.path)
        queue = self._scripted.get(key)
        if queue:
            answer = queue.popleft()
        elif key in self._default:
            answer = self._default[key]
        else:
            return Answer(404, {"error": "Record not found"})
        return answer(seen) if callable(answer) else answer

    def then(self, method: str, path: str, *answers: Answer | Handler) -> PlatformAPI:
        """Answer the next calls to this route in order (then fall back to the default)."""
        self._scripted[(method, path)].extend(answers)
        return self

    def always(self, method: str, path: str, answer: Answer | Handler) -> PlatformAPI:
        self._default[(method, path)] = answer
        return self

    def calls(self, method: str, path: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def __enter__(self) -> PlatformAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
