"""The several-machine shape: two web (gunicorn), two websocket (uvicorn), two workers and two
hub followers on one PostgreSQL and Redis. What is done on one node shows on the other."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import mention_item

from .conftest import http_post, open_socket, receive, receive_until
from .faults import Stack, fetch, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def hub_json(node: str) -> tuple[dict, str]:
    status, body, headers = fetch(f"{node}/hub/hub.json")
    assert status == 200, body[:300]
    return json.loads(body), headers["ETag"]


def on_both(predicate, nodes, timeout: float, message: str) -> float:
    started = time.monotonic()
    wait_until(lambda: all(predicate(node) for node in nodes), timeout, message, interval=0.1)
    return time.monotonic() - started


def test_two_of_each_process_agree(agent, lead, integration, scenario, tmp_path, capsys):
    stack = Stack(tmp_path)
    folders = {node: tmp_path / f"hub-{node}" for node in "ab"}
    try:
        web, ws = {}, {}
        for node in "ab":
            web[node] = stack.web(f"web-{node}", wait=False, HUB_ROOT=str(folders[node]))
            ws[node] = stack.websocket(f"ws-{node}", wait=False, HUB_ROOT=str(folders[node]))
            stack.worker(f"worker-{node}", HUB_ROOT=str(folders[node]))
            stack.follower(f"hub-{node}", HUB_ROOT=str(folders[node]))
        for node in "ab":
            stack.wait_http(f"web-{node}", web[node])
            stack.wait_http(f"ws-{node}", ws[node])
        # A node starting up builds its page: both followers wrote one.
        on_both(
            lambda n: (folders[n] / "public" / "hub.json").exists(), "ab", 30, "the followers' first page"
        )
        assert hub_json(web["a"])[0]["mode"] == hub_json(web["b"])[0]["mode"] == "none"

        # Ingest on A, seen on B's queue socket (either worker stores it).
        with open_socket(ws["b"], "/ws/triage/", agent) as queue_b:
            receive(queue_b)
            status, _ = http_post(web["a"], "/api/v1/mentions/", [mention_item("cross-node")], integration)
            assert status == 202
            delta = receive_until(queue_b, lambda m: m.get("kind") == "new", timeout=20)
        assert [m["external_id"] for m in delta["mentions"]] == ["cross-node"]

        # Activation on B flips the state socket on both websocket nodes.
        with (
            open_socket(ws["a"], "/ws/state/", agent) as state_a,
            open_socket(ws["b"], "/ws/state/", agent) as state_b,
        ):
            for sock in (state_a, state_b):
                assert receive(sock)["state"]["mode"] == "normal"
            activated = time.monotonic()
            status, _ = http_post(web["b"], "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
            assert status in (200, 201)
            for sock in (state_a, state_b):
                event = receive_until(sock, lambda m: m.get("type") == "crisis.state", timeout=10)
                assert event["state"]["mode"] == "crisis"
            flipped = time.monotonic() - activated

        # Both nodes' hub pages agree after the change made on B, then after one made on A.
        on_both(lambda n: hub_json(web[n])[0]["mode"] == "crisis", "ab", 10, "crisis on both hubs")
        crisis_s = time.monotonic() - activated
        assert hub_json(web["a"]) == hub_json(web["b"])  # same page, same ETag
        deactivated = time.monotonic()
        status, _ = http_post(web["a"], "/api/v1/crisis/deactivate/", {}, lead)
        assert status == 200
        normal_s = on_both(
            lambda n: hub_json(web[n])[0]["mode"] == "none", "ab", 10, "no crisis on both hubs"
        )
        normal_s += time.monotonic() - deactivated - normal_s
        assert hub_json(web["a"]) == hub_json(web["b"])

        # A third node joining now starts with the current page.
        stack.follower("hub-c", HUB_ROOT=str(tmp_path / "hub-c"))
        on_both(
            lambda _: (tmp_path / "hub-c" / "public" / "hub.json").exists(), "c", 30, "the new node's page"
        )
        shared = (folders["a"] / "public" / "hub.json").read_bytes()
        assert (tmp_path / "hub-c" / "public" / "hub.json").read_bytes() == shared
    finally:
        stack.stop_all()
    with capsys.disabled():
        print(f"\nRESULT nodes_state_socket_flip_s {flipped:.2f} s")
        print(f"RESULT nodes_hub_crisis_on_both_after_activation_s {crisis_s:.2f} s")
        print(f"RESULT nodes_hub_normal_on_both_after_deactivation_s {normal_s:.2f} s")
