"""Crisis rooms through uvicorn, Redis and channels_redis."""

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from command import flows
from core.roles import Role
from playbooks.chat import services as rooms
from playbooks.models import RoomMessage

from .conftest import open_socket, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def is_message(m):
    return m["type"] == "room.message"


def post(ws, body):
    ws.send(json.dumps({"type": "post", "body": body}))


def test_a_message_is_stored_and_reaches_everyone_in_the_room(asgi_server, scenario, lead, agent, volunteer):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    rooms.post_message(crisis_id=crisis.pk, room="care", by=lead, body="Refund script is in the FAQ")
    path = f"/ws/rooms/{crisis.pk}/care/"
    with open_socket(asgi_server, path, agent) as writer, open_socket(asgi_server, path, volunteer) as reader:
        history = receive(writer)
        assert history["type"] == "room.history"
        assert [m["body"] for m in history["messages"]] == ["Refund script is in the FAQ"]
        receive(reader)
        post(writer, "<b>Taking</b> the refund backlog")
        seen = receive_until(reader, is_message)
        echoed = receive_until(writer, is_message)
    assert seen["message"] == echoed["message"]
    assert (
        seen["message"]["author"] == agent.username
        and seen["message"]["body"] == "<b>Taking</b> the refund backlog"
    )
    stored = RoomMessage.objects.get(pk=seen["message"]["id"])
    assert (stored.crisis_id, stored.room, stored.author_id) == (crisis.pk, "care", agent.pk)


def test_rooms_are_separate(asgi_server, scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    with (
        open_socket(asgi_server, f"/ws/rooms/{crisis.pk}/team/", agent) as team,
        open_socket(asgi_server, f"/ws/rooms/{crisis.pk}/care/", lead) as care,
    ):
        receive(team), receive(care)
        post(care, "care only")
        post(team, "team only")
        assert receive_until(team, is_message)["message"]["body"] == "team only"
        assert receive_until(care, is_message)["message"]["body"] == "care only"
        with pytest.raises(TimeoutError):
            receive_until(team, is_message, timeout=0.5)


def test_outsiders_and_anonymous_users_are_refused(asgi_server, scenario, lead, outsider, integration):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    for room in ("team", "care"):
        for user in (None, outsider, integration):
            with pytest.raises(InvalidStatus) as refused:
                open_socket(asgi_server, f"/ws/rooms/{crisis.pk}/{room}/", user)
            assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        open_socket(asgi_server, "/ws/rooms/999999/team/", lead)


def test_a_user_who_loses_the_role_is_cut_off_at_the_next_message(asgi_server, scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    with open_socket(asgi_server, f"/ws/rooms/{crisis.pk}/team/", agent) as ws:
        receive(ws)
        agent.groups.remove(agent.groups.get(name=Role.AGENT.value))
        post(ws, "still here?")
        error = receive(ws)
        assert error == {"type": "room.error", "message": "Your role no longer allows this room."}
        with pytest.raises(ConnectionClosed):
            receive(ws, timeout=5)
    assert not RoomMessage.objects.exists()


def test_abusive_input_gets_a_clear_error(asgi_server, scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    with open_socket(asgi_server, f"/ws/rooms/{crisis.pk}/team/", agent) as ws:
        receive(ws)
        post(ws, "x" * 5000)
        assert "limited to 2,000 characters" in receive(ws)["message"]
        ws.send("not json")
        assert receive(ws)["type"] == "room.error"
        for n in range(rooms.RATE_COUNT + 1):
            post(ws, f"spam {n}")
        error = receive_until(ws, lambda m: m["type"] == "room.error")
        assert error["message"].startswith("Slow down")
    assert RoomMessage.objects.count() == rooms.RATE_COUNT


def test_a_user_who_loses_the_role_stops_receiving_at_once(asgi_server, scenario, lead, agent):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    path = f"/ws/rooms/{crisis.pk}/team/"
    with open_socket(asgi_server, path, agent) as reader, open_socket(asgi_server, path, lead) as writer:
        receive(reader), receive(writer)
        post(writer, "before")
        assert receive_until(reader, is_message)["message"]["body"] == "before"
        assert receive_until(writer, is_message)["message"]["body"] == "before"
        agent.groups.remove(agent.groups.get(name=Role.AGENT.value))  # the reader stays silent
        post(writer, "after the role was removed")
        assert receive_until(writer, is_message)["message"]["body"] == "after the role was removed"
        assert receive(reader) == {"type": "room.error", "message": "Your role no longer allows this room."}
        with pytest.raises(ConnectionClosed):
            receive(reader, timeout=5)
