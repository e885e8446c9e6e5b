"""A department webhook URL is a credential: when the worker's call times out, the reason
reaches every open crisis room over the websocket, naming the host only."""

import json
import socket

import pytest

from playbooks.models import Crisis, DeliveryState, Department, NotificationDelivery

from .conftest import http_post, open_socket

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CANARY = "CANARY-5be2c0-webhook-secret"


def test_a_timed_out_webhook_reaches_the_crisis_room_without_its_url(live, lead, scenario):
    with socket.socket() as silent:  # accepts connections, never answers: the worker times out
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        host = f"http://127.0.0.1:{silent.getsockname()[1]}"
        Department.objects.filter(name="Legal").update(chat_webhook_url=f"{host}/services/T1/B2/{CANARY}")
        status, body = http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
        assert status == 201
        crisis = Crisis.objects.get(pk=body["crisis_id"])
        frames = []
        with open_socket(live, f"/ws/crisis/{crisis.pk}/", lead) as ws:
            while True:  # three attempts of 5 s with backoff: about 17 s
                raw = ws.recv(timeout=60)
                frames.append(raw)
                message = json.loads(raw)
                if message.get("type") == "department.delivery" and message["delivery"]["channel"] == "chat":
                    break
    assert message["delivery"]["state"] == DeliveryState.FAILED
    assert message["delivery"]["error"] == f"timed out: POST {host}/…"
    assert not any(CANARY in frame for frame in frames)
    assert CANARY not in NotificationDelivery.objects.get(crisis=crisis, channel="chat").error
