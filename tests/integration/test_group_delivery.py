"""Group messages (alerts, the crisis state) reach every open socket of a websocket process,
also after other sockets of that process have closed: a real uvicorn process, channels_redis's
pub/sub layer and Redis."""

import contextlib
import threading

import pytest
from django.utils import timezone

from core import events

from .conftest import open_socket, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PATHS = ("/ws/state/", "/ws/triage/")


def alert(n: int) -> events.AlertEvent:
    return {
        "type": "triage.alert",
        "id": n,
        "kind": "spike",
        "message": f"spike {n}",
        "created_at": timezone.now().isoformat(),
        "details": {},
    }


def state(title: str) -> events.CrisisState:
    return {"mode": "normal", "crisis_id": None, "title": title, "activated_at": None, "phase": None}


def is_alert(n: int):
    return lambda m: m["type"] == "triage.alert" and m["id"] == n


@pytest.mark.parametrize("path", PATHS)
def test_an_alert_reaches_the_page_left_open_after_others_closed(asgi_server, lead, path):
    with open_socket(asgi_server, path, lead) as staying:
        receive(staying)
        for n in range(1, 4):
            with open_socket(asgi_server, path, lead) as leaving:
                receive(leaving)
            events.send_alert(alert(n))
            receive_until(staying, is_alert(n), timeout=5)


@pytest.mark.parametrize("path", PATHS)
def test_an_alert_reaches_a_page_opened_as_the_last_one_closed(asgi_server, lead, path):
    """The process's last page in the group closes as the next one opens: the group is left
    and joined again at the same moment."""
    for n in range(10, 16):
        with open_socket(asgi_server, path, lead) as leaving:
            receive(leaving)
            closer = threading.Thread(target=leaving.close)
            closer.start()
            with open_socket(asgi_server, path, lead) as opened:
                receive(opened)
                closer.join()
                events.send_alert(alert(n))
                receive_until(opened, is_alert(n), timeout=5)


def test_alerts_and_the_state_reach_every_page_while_pages_come_and_go(asgi_server, lead, agent):
    with (
        open_socket(asgi_server, "/ws/state/", lead) as lead_bar,
        open_socket(asgi_server, "/ws/state/", agent) as agent_bar,
        open_socket(asgi_server, "/ws/triage/", lead) as queue,
    ):
        receive(lead_bar), receive(agent_bar), receive(queue)
        for n in range(20, 23):
            with contextlib.ExitStack() as stack:
                churn = [stack.enter_context(open_socket(asgi_server, p, lead)) for p in PATHS * 3]
                for ws in churn:
                    receive(ws)
                threads = [threading.Thread(target=ws.close) for ws in churn]
                for thread in threads:
                    thread.start()
                events.send_crisis_state(state(f"title {n}"))
                events.send_alert(alert(n))
                for thread in threads:
                    thread.join()
            for bar in (lead_bar, agent_bar):
                got = receive_until(bar, lambda m: m["type"] == "crisis.state", timeout=5)
                assert got["state"]["title"] == f"title {n}"
            receive_until(lead_bar, is_alert(n), timeout=5)
            receive_until(queue, is_alert(n), timeout=5)
