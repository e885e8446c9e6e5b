"""Open sockets follow the account, through uvicorn, Redis and channels_redis: a logout, a
deactivation or a change of roles closes them at once; what they ask afterwards is refused;
and a volunteer's live queue never carries an expert item."""

import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from command import flows
from core.roles import Role, grant
from tests.conftest import make_user, mention_item, wait_for
from triage.models import Mention, Tier

from .conftest import http_post, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECHECK, FORBIDDEN = 4401, 4403
REFUND = mention_item("refund", text="How do I get a refund?", author={"handle": "rita", "followers": 40})
ACK = mention_item("ack", text="trains late again", author={"handle": "sam", "followers": 40})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def socket_of(base: str, path: str, client: Client):
    headers = {"Origin": base, "Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return connect(base.replace("http", "ws", 1) + path, additional_headers=headers, open_timeout=5)


def closed_with(ws, timeout: float = 5.0) -> int:
    """Read until the server closes the socket; its close code (TimeoutError if it stays open)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            ws.recv(timeout=max(0.01, deadline - time.monotonic()))
        except ConnectionClosed as closed:
            return closed.rcvd.code


def refused(base: str, path: str, client: Client) -> int:
    with pytest.raises(InvalidStatus) as refusal:
        socket_of(base, path, client)
    return refusal.value.response.status_code


def stored(base, integration, *items) -> list[Mention]:
    before = Mention.objects.count()
    http_post(base, "/api/v1/mentions/", list(items), integration)
    wait_for(lambda: Mention.objects.count() >= before + len(items), message="the worker to store the batch")
    return list(Mention.objects.order_by("pk"))


def test_logging_out_closes_that_sessions_queue_and_not_the_other_browsers(live, agent, integration):
    office, phone = signed_in(agent), signed_in(agent)
    with socket_of(live, "/ws/triage/", office) as left, socket_of(live, "/ws/triage/", phone) as kept:
        receive(left), receive(kept)
        office.post("/accounts/logout/")
        assert closed_with(left) == RECHECK
        (ack,) = stored(live, integration, ACK)
        delta = receive_until(kept, lambda m: m.get("kind") == "new")  # the other session still works
        assert [m["id"] for m in delta["mentions"]] == [ack.pk]
    assert refused(live, "/ws/triage/", office) == 403  # the page's reconnect finds no session


def test_a_deactivated_user_is_closed_on_every_socket_and_refused_after(live, scenario, lead, agent):
    flows.activate(scenario=scenario, by=lead, drill=True)
    client = signed_in(agent)
    with (
        socket_of(live, "/ws/triage/", client) as queue,
        socket_of(live, "/ws/state/", client) as state,
    ):
        receive(queue), receive(state)
        agent.is_active = False
        agent.save()
        assert closed_with(queue) == RECHECK and closed_with(state) == RECHECK
    for path in ("/ws/triage/", "/ws/state/"):
        assert refused(live, path, client) == 403


def test_resync_is_refused_once_the_account_is_gone_even_without_a_signal(live, agent, integration):
    client = signed_in(agent)
    with socket_of(live, "/ws/triage/", client) as ws:
        receive(ws)
        # Changed behind Django's back (no signal): the next question finds out.
        get_user_model().objects.filter(pk=agent.pk).update(is_active=False)
        ws.send(json.dumps({"type": "resync"}))
        assert closed_with(ws) == FORBIDDEN
        stored(live, integration, ACK)


def test_losing_the_queue_role_closes_the_socket_and_nothing_more_arrives(live, agent, integration):
    client = signed_in(agent)
    with socket_of(live, "/ws/triage/", client) as ws:
        receive(ws)
        agent.groups.clear()
        assert closed_with(ws) == RECHECK
    stored(live, integration, ACK)
    assert refused(live, "/ws/triage/", client) == 403


def test_a_volunteer_promoted_to_agent_reconnects_to_the_whole_queue(live, integration):
    volunteer = make_user("vera_volunteer", Role.VOLUNTEER)
    refund, ack = stored(live, integration, REFUND, ACK)
    assert (refund.tier, ack.tier) == (Tier.EXPERT, Tier.FIRST_LINE)
    client = signed_in(volunteer)
    with socket_of(live, "/ws/triage/", client) as ws:
        assert [m["id"] for m in receive(ws)["mentions"]] == [ack.pk]
        grant(volunteer, Role.AGENT)
        assert closed_with(ws) == RECHECK
    with socket_of(live, "/ws/triage/", client) as ws:
        assert {m["id"] for m in receive(ws)["mentions"]} == {refund.pk, ack.pk}


def test_a_volunteers_live_queue_never_carries_an_expert_item(live, agent, integration):
    volunteer = make_user("vera_volunteer", Role.VOLUNTEER)
    with (
        socket_of(live, "/ws/triage/", signed_in(volunteer)) as narrow,
        socket_of(live, "/ws/triage/", signed_in(agent)) as full,
    ):
        receive(narrow), receive(full)
        refund, ack = stored(live, integration, REFUND, ACK)
        assert http_post(live, f"/api/v1/mentions/{refund.pk}/resolve/", None, agent)[0] == 200
        resolved = receive_until(full, lambda m: m.get("kind") == "resolved")
        assert [m["id"] for m in resolved["mentions"]] == [refund.pk]
        seen = []  # every numbered delta up to the resolve reaches the volunteer, none with the refund
        while not seen or seen[-1]["seq"] < resolved["seq"]:
            frame = receive(narrow)
            seen += frame["deltas"] if frame["type"] == "queue.deltas" else [frame]
            seen = [d for d in seen if d["type"] == "queue.delta"]
        ids = {m["id"] for d in seen for m in d["mentions"]}
        assert ack.pk in ids and refund.pk not in ids
        assert "refund" not in json.dumps(seen).lower()
        narrow.send(json.dumps({"type": "resync"}))
        fresh = receive_until(narrow, lambda m: m["type"] == "queue.snapshot")
        assert [m["id"] for m in fresh["mentions"]] == [ack.pk]


def test_a_room_member_who_logs_out_is_closed(live, scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    client = signed_in(agent)
    with socket_of(live, f"/ws/rooms/{crisis.pk}/team/", client) as ws:
        receive(ws)
        client.post("/accounts/logout/")
        assert closed_with(ws) == RECHECK
