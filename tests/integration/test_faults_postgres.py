"""PostgreSQL stopped under running web servers: 503 with Retry-After, never 500; the hub page
still served, even by a fresh node with an empty folder; ready again once it is back."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from command import flows
from hubpage import services as hub
from tests.conftest import mention_item
from tests.factories import api_key

from .faults import EmbeddedPostgres, Stack, fetch, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    server = EmbeddedPostgres()
    yield server
    if not server.running():
        server.start()  # whatever the test did, the next test has its database


def test_database_outage_answers_503_and_the_hub_page_keeps_serving(
    postgres, lead, integration, scenario, tmp_path, capsys
):
    flows.activate(scenario=scenario, by=lead)
    hub.post_update(body="Buses replace trains between A and B.", by=lead)
    client = Client()
    client.force_login(lead)
    staff = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    token = {"Authorization": f"Token {api_key(integration)}"}
    stack = Stack(tmp_path)
    try:
        node_a = stack.web("web-a")
        assert fetch(f"{node_a}/readyz")[0] == 200
        postgres.stop()
        stopped = time.monotonic()

        status, body, headers = fetch(f"{node_a}/readyz")
        assert status == 503 and headers["Retry-After"] == "5"
        assert json.loads(body)["missing"][0].startswith("postgresql:")
        assert fetch(f"{node_a}/healthz")[0] == 200  # alive: no restart wanted
        for path in ("/", "/triage/", "/playbooks/switch/"):
            status, body, headers = fetch(f"{node_a}{path}", staff)
            assert (status, headers.get("Retry-After")) == (503, "5"), (path, status, body[:300])
            assert b"database unreachable" in body
        status, body, headers = fetch(f"{node_a}/api/v1/crisis/", token)
        assert status == 503 and json.loads(body)["code"] == "database_unavailable"
        batch = json.dumps([mention_item("during-outage")]).encode()
        post = {**token, "Content-Type": "application/json"}
        status, body, headers = fetch(f"{node_a}/api/v1/mentions/", post, data=batch, method="POST")
        assert status == 503 and headers["Retry-After"] == "5"  # the client sends it again later

        for node in (node_a, stack.web("web-fresh", HUB_ROOT=str(tmp_path / "empty-hub"))):
            status, body, _ = fetch(f"{node}/hub/")
            assert status == 200 and b"Disruption on the main line" in body, node
            assert b"Buses replace trains" in body
        assert (tmp_path / "empty-hub" / "public" / "index.html").exists()
        outage = time.monotonic() - stopped

        postgres.start()
        back = time.monotonic()
        wait_until(lambda: fetch(f"{node_a}/readyz")[0] == 200, 30, "node A to be ready", interval=0.1)
        ready = time.monotonic() - back
        status, body, _ = fetch(f"{node_a}/api/v1/mentions/", post, data=batch, method="POST")
        assert status == 202, body
        assert fetch(f"{node_a}/", staff)[0] == 200
    finally:
        stack.stop_all()
    for name in ("web-a", "web-fresh"):
        assert "Internal Server Error" not in stack.log(name), stack.log(name)[-3000:]
    with capsys.disabled():
        print(f"\nRESULT postgres_outage_checked_s {outage:.1f} s")
        print(f"RESULT postgres_back_to_ready_s {ready:.2f} s")
