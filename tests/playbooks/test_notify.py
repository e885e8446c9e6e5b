"""Departments are told on activation: email to contacts, a post to the chat webhook, each recorded."""

import pytest
from django.core import mail

from command import flows
from playbooks import notify
from playbooks.models import (
    AuditEntry,
    AutomatedAction,
    ChatFormat,
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


# --- the format each department's chat tool takes ----------------------------------------------
def _hook(dept, url, chat_format):
    Department.objects.filter(pk=dept.pk).update(chat_webhook_url=url, chat_format=chat_format)


def test_each_department_gets_its_chat_tool_format_in_one_activation(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Teams Workflows answer 202 Accepted; Slack answers 200 "ok".
    with WebhookServer([(202, "", {}), (200, "ok", {})]) as hook:
        _hook(contacts["legal"], f"{hook.url}/workflows/legal", ChatFormat.TEAMS)
        _hook(contacts["comms"], f"{hook.url}/services/T1/B2/comms", ChatFormat.SLACK)
        crisis = flows.activate(scenario=scenario, by=lead).crisis
        counts = notify.notify_departments(crisis.pk)
    assert counts["failed"] == 0
    bodies = {r["path"]: r["body"] for r in hook.received}
    teams, slack = bodies["/workflows/legal"], bodies["/services/T1/B2/comms"]
    # Teams: a message whose only attachment is an Adaptive Card, nothing else at the top.
    assert set(teams) == {"type", "attachments"} and teams["type"] == "message"
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "[CRISIS] Rail signal failure: Disruption on the main line"
    assert {"title": "Open the crisis room", "type": "Action.OpenUrl"}.items() <= card["actions"][0].items()
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    assert any(f["value"] == "Review statement" for f in facts)
    # Slack: blocks, with a text fallback for notifications.
    assert slack["text"] == "[CRISIS] Rail signal failure: Disruption on the main line"
    assert [b["type"] for b in slack["blocks"]][:2] == ["header", "section"]
    assert slack["blocks"][-1]["elements"][0]["url"].endswith("/playbooks/")


def test_slack_markup_in_crisis_text_is_escaped(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with WebhookServer() as hook:
        _hook(contacts["comms"], f"{hook.url}/slack", ChatFormat.SLACK)
        crisis = flows.activate(scenario=scenario, by=lead).crisis
        crisis.summary = "Trains stopped <!channel> & <https://evil.example|click here>"
        crisis.save(update_fields=["summary"])
        notify.notify_departments(crisis.pk)
    section = hook.received[0]["body"]["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;" in section
    assert "<!channel>" not in section


def test_generic_json_carries_the_crisis_as_fields(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with WebhookServer() as hook:
        _hook(contacts["legal"], f"{hook.url}/generic", ChatFormat.GENERIC)
        crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
        notify.notify_departments(crisis.pk)
    body = hook.received[0]["body"]
    assert body["event"] == "drill.activated" and body["crisis"]["drill"] is True
    assert body["crisis"]["id"] == crisis.pk and body["department"] == "Legal"
    assert body["text"].startswith("[DRILL] Rail signal failure")
    assert {"title": "Review statement"}.items() <= body["tasks"][0].items()


def test_a_teams_workflow_refusing_the_card_is_recorded_with_its_reason(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    refusal = '{"error":{"code":"InvalidRequestContent","message":"The input body for trigger is not valid"}}'
    with WebhookServer([(400, refusal, {})]) as hook:
        _hook(contacts["legal"], f"{hook.url}/workflows/legal", ChatFormat.TEAMS)
        crisis = flows.activate(scenario=scenario, by=lead).crisis
        notify.notify_departments(crisis.pk)
    chat = NotificationDelivery.objects.get(crisis=crisis, channel="chat")
    assert chat.state == DeliveryState.FAILED and chat.attempts == 1
    assert "The input body for trigger is not valid" in chat.error


def test_a_department_is_told_in_its_own_language(settings, lead, scenario, contacts):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Department.objects.filter(pk=contacts["legal"].pk).update(language="zh-hans")
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    notify.notify_departments(crisis.pk)
    legal = next(m for m in mail.outbox if m.to == ["legal.duty@example.org"])
    assert legal.subject.startswith("[演练] ") and "这是一次演练" in legal.body
    assert "Legal 的检查清单：" in legal.body and "危机指挥室：" in legal.body
    comms = next(m for m in mail.outbox if m.to == ["priya@example.org"])
    assert comms.subject.startswith("[DRILL] ") and "Comms's checklist:" in comms.body
    entry = AuditEntry.objects.get(crisis=crisis, kind="notified")
    assert (
        entry.code == "departments.notified" and entry.description == "Departments notified: 2 sent, 0 failed"
    )
