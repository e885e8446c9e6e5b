"""Activation's follow-up through the real worker, and the live checklist over channels_redis."""

import threading

import pytest
from django.db import connection
from websockets.exceptions import InvalidStatus

from command import flows
from playbooks import services
from playbooks.models import (
    AutomatedAction,
    Crisis,
    DeliveryState,
    Department,
    NotificationDelivery,
)
from tests.conftest import wait_for
from tests.factories import ChecklistItemFactory, ContactFactory
from tests.webhook_server import WebhookServer

from .conftest import http_post, open_socket, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def in_a_thread(work) -> None:
    """Run a service as a request would: its own thread, so no event loop (Playwright's, after
    the browser tests) sits where its after-commit broadcast runs."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)


def test_activation_notifies_departments_through_the_worker_and_ticks_automated_items(live, lead, scenario):
    legal = Department.objects.get(name="Legal")
    ContactFactory(department=legal, name="Helen Park", email="legal.duty@example.org")
    comms = Department.objects.get(name="Comms")
    for action in (AutomatedAction.NOTIFY_DEPARTMENTS, AutomatedAction.POST_HOLDING_STATEMENT):
        ChecklistItemFactory(scenario=scenario, title=f"auto {action}", department=comms, action=action)
    scenario.holding_statement = "We know trains are stopped. Everyone is safe."
    scenario.save()
    with WebhookServer(
        [(500, "oops", {"Retry-After": "0"}), (500, "oops", {"Retry-After": "0"})] * 2
    ) as hook:
        legal.chat_webhook_url = f"{hook.url}/hook"
        legal.save()
        status, body = http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
        assert status == 201
        crisis = Crisis.objects.get(pk=body["crisis_id"])
        # One query: two separate ones could see "none pending" before the rows exist.
        wait_for(
            lambda: (
                NotificationDelivery.objects.filter(crisis=crisis)
                .exclude(state=DeliveryState.PENDING)
                .count()
                == 2
            ),
            timeout=20,
            message="every delivery to have an outcome",
        )
    chat = NotificationDelivery.objects.get(crisis=crisis, channel="chat")
    email = NotificationDelivery.objects.get(crisis=crisis, channel="email")
    assert email.state == DeliveryState.SENT
    assert chat.state == DeliveryState.FAILED and chat.attempts == 3 and "HTTP 500" in chat.error
    wait_for(
        lambda: (
            crisis.tasks.filter(
                action__in=["notify_departments", "post_holding_statement"], done_at__isnull=False
            ).count()
            == 2
        ),
        message="the automated items to tick themselves",
    )
    assert crisis.hub_updates.get().body_markdown == "We know trains are stopped. Everyone is safe."
    assert Crisis.objects.filter(pk=crisis.pk, phase="active").exists()  # failures never end crisis mode


def test_ticks_reach_everyone_watching_the_checklist(live, lead, agent, scenario):
    in_a_thread(lambda: flows.activate(scenario=scenario, by=lead))
    crisis = Crisis.objects.get()
    task = crisis.tasks.get(title="Review statement")
    with open_socket(live, f"/ws/crisis/{crisis.pk}/", agent) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "checklist.tasks" and snapshot["total"] == 3
        in_a_thread(lambda: services.set_task_done(task_id=task.pk, by=lead, done=True))
        event = receive_until(ws, lambda m: any(t["id"] == task.pk and t["done"] for t in m.get("tasks", [])))
    (ticked,) = [t for t in event["tasks"] if t["id"] == task.pk]
    assert ticked["done_by"] == lead.username and ticked["done_at"]
    assert event["done"] >= 1 and event["total"] == 3


@pytest.mark.parametrize("who", [None, "outsider"])
def test_the_crisis_socket_is_for_staff_only(live, lead, outsider, scenario, who):
    in_a_thread(lambda: flows.activate(scenario=scenario, by=lead))
    crisis = Crisis.objects.get()
    user = outsider if who else None
    with pytest.raises(InvalidStatus) as refused:
        open_socket(live, f"/ws/crisis/{crisis.pk}/", user)
    assert refused.value.response.status_code == 403
