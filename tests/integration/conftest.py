import json
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client
from websockets.sync.client import connect

from tests.factories import api_key


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def open_socket(base: str, path: str, user=None):
    headers = {"Origin": base}
    if user is not None:
        headers["Cookie"] = f"sessionid={session_cookie(user)}"
    return connect(base.replace("http", "ws", 1) + path, additional_headers=headers, open_timeout=5)


def receive(ws, timeout: float = 10.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def receive_until(ws, predicate, timeout: float = 10.0) -> dict:
    """The first message matching `predicate`, looking inside coalesced deltas ("queue.deltas")."""

    deadline = time.monotonic() + timeout
    while True:
        message = receive(ws, timeout=max(0.01, deadline - time.monotonic()))
        for one in message["deltas"] if message.get("type") == "queue.deltas" else [message]:
            if predicate(one):
                return one


def http_post(base: str, path: str, body, user) -> tuple[int, dict]:
    key = api_key(user)
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def live(asgi_server, celery_worker_process):
    """The running app and worker, for tests whose data must be committed."""
    return asgi_server
