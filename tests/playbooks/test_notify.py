"""Departments are told on activation: email to contacts, a post to the chat webhook, each recorded."""

import pytest
from django.core import mail

from command import flows
from playbooks import notify
from playbooks.models import (
    AuditEntry,
    AutomatedAction,
    DeliveryState,
    Department,
    NotificationDelivery,
)
from tests.factories import ChecklistItemFactory, ContactFactory
from tests.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(scenario):
    legal = Department.objects.get(name="Legal")
    ContactFactory(department=legal, name="Helen Park", email="legal.duty@example.org", on_call=True)
    ContactFactory(department=legal, name="No Email", email="")
    comms = Department.objects.get(name="Comms")
    ContactFactory(department=comms, name="Priya Shah", email="priya@example.org")
    ChecklistItemFactory(
        scenario=scenario,
        title="Notify everyone",
        department=comms,
        action=AutomatedAction.NOTIFY_DEPARTMENTS,
    )
    return {"legal": legal, "comms": comms}


def test_every_department_contact_gets_an_email_and_the_item_ticks(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    counts = notify.notify_departments(crisis.pk)
    assert counts == {"pending": 0, "sent": 2, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["legal.duty@example.org", "priya@example.org"]
    legal_mail = next(m for m in mail.outbox if m.to == ["legal.duty@example.org"])
    assert legal_mail.subject == "[CRISIS] Rail signal failure: Disruption on the main line"
    assert "Legal's checklist:" in legal_mail.body and "- Review statement (due" in legal_mail.body
    assert crisis.tasks.get(title="Notify everyone").done_at is not None
    assert AuditEntry.objects.filter(crisis=crisis, kind="notified").count() == 1
    # Running the task again sends nothing twice.
    notify.notify_departments(crisis.pk)
    assert len(mail.outbox) == 2 and AuditEntry.objects.filter(crisis=crisis, kind="notified").count() == 1


def test_drills_notify_with_drill_in_the_subject(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    notify.notify_departments(crisis.pk)
    assert all(m.subject.startswith("[DRILL] ") for m in mail.outbox)
    assert all("This is a DRILL" in m.body for m in mail.outbox)


def test_chat_webhook_is_posted_and_retried_after_a_503(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with WebhookServer([(503, "busy", {"Retry-After": "0"})]) as hook:
        Department.objects.filter(pk=contacts["legal"].pk).update(
            chat_webhook_url=f"{hook.url}/services/T1/B2/x"
        )
        crisis = flows.activate(scenario=scenario, by=lead).crisis
        notify.notify_departments(crisis.pk)
    chat = NotificationDelivery.objects.get(crisis=crisis, channel="chat")
    assert (chat.state, chat.attempts, chat.target) == (DeliveryState.SENT, 2, "127.0.0.1")
    assert len(hook.received) == 2 and hook.received[-1]["path"] == "/services/T1/B2/x"
    assert hook.received[-1]["body"]["text"].startswith("[CRISIS] Rail signal failure")


def test_a_failing_webhook_is_recorded_with_its_reason_and_can_be_resent(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with WebhookServer([(410, "channel_is_archived", {})]) as hook:
        Department.objects.filter(pk=contacts["legal"].pk).update(chat_webhook_url=f"{hook.url}/hook")
        crisis = flows.activate(scenario=scenario, by=lead).crisis
        counts = notify.notify_departments(crisis.pk)
        chat = NotificationDelivery.objects.get(crisis=crisis, channel="chat")
        assert counts["failed"] == 1 and counts["sent"] == 2
        assert chat.state == DeliveryState.FAILED and chat.attempts == 1  # a 410 is not retried
        assert "HTTP 410: channel_is_archived" in chat.error
        # The item still ticks: every delivery has an outcome, and the failure is on show.
        assert crisis.tasks.get(title="Notify everyone").done_at is not None
        assert notify.retry_failed(crisis.pk) == 1
        notify.notify_departments(crisis.pk)
    chat.refresh_from_db()
    assert chat.state == DeliveryState.SENT and chat.attempts == 2
    assert len(mail.outbox) == 2


def test_departments_tab_shows_delivery_state(settings, client, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    notify.notify_departments(crisis.pk)
    client.force_login(lead)
    page = client.get(f"/playbooks/crises/{crisis.pk}/departments/").content.decode()
    assert "Helen Park" in page and "legal.duty@example.org" in page and "state-sent" in page
