"""The kick-off huddle (issue 16, rule 2): departments acknowledge from the message they got,
and the crisis room's huddle card shows the call link, the agenda and who has acknowledged."""

import re

import pytest
from django.core import mail

from command import flows
from playbooks import huddle, notify
from playbooks.models import AuditEntry, AuditKind, Department, NotificationDelivery
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(settings, lead, scenario):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    scenario.huddle_call_url = "https://meet.example.org/northline-crisis"
    scenario.huddle_agenda = "What we know\nWho speaks for us\n\nNext hub update"
    scenario.save()
    ContactFactory(department=Department.objects.get(name="Legal"), email="legal.duty@example.org")
    ContactFactory(department=Department.objects.get(name="Comms"), email="priya@example.org")
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    notify.notify_departments(crisis.pk)
    return crisis


def _link(to: str) -> str:
    message = next(m for m in mail.outbox if m.to == [to])
    assert "Kick-off huddle: https://meet.example.org/northline-crisis" in message.body
    return re.search(r"Acknowledge \(tells the comms lead you are on it\): (\S+)", message.body).group(1)


def test_a_department_acknowledges_from_the_link_in_its_email_and_the_card_shows_it(
    notified, client, lead, settings
):
    link = _link("legal.duty@example.org")
    path = link.removeprefix(settings.PUBLIC_BASE_URL)
    page = client.get(path)  # opening the link (a mail scanner does too) acknowledges nothing
    assert page.status_code == 200 and b"Acknowledge</button>" in page.content
    assert not NotificationDelivery.objects.filter(acknowledged_at__isnull=False).exists()

    done = client.post(path)  # the recipient needs no account: the signed link is enough
    assert done.status_code == 200 and "Acknowledged at" in done.content.decode()
    client.post(path)  # a second press changes nothing
    assert AuditEntry.objects.filter(kind=AuditKind.ACKNOWLEDGED).count() == 1

    card = huddle.card(notified)
    assert card.call_url == "https://meet.example.org/northline-crisis"
    assert card.agenda == ["What we know", "Who speaks for us", "Next hub update"]
    acks = {d.name: d for d in card.departments}
    assert acks["Legal"].acknowledged_at and acks["Legal"].by == "legal.duty@example.org"
    assert acks["Comms"].acknowledged_at is None and card.acknowledged == 1

    client.force_login(lead)
    room = client.get(f"/playbooks/crises/{notified.pk}/").content.decode()
    assert "Kick-off huddle" in room and "Acknowledged · 1 of 3" in room
    assert 'href="https://meet.example.org/northline-crisis"' in room and "Who speaks for us" in room
    assert "no contact to notify" in room  # Social care has nobody to reach


def test_an_altered_or_foreign_link_acknowledges_nothing_and_says_why(notified, client, settings):
    path = _link("priya@example.org").removeprefix(settings.PUBLIC_BASE_URL)
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    answer = client.post(forged)
    assert answer.status_code == 400 and "This link is not valid." in answer.content.decode()
    other_salt = path.replace(path.split("/")[3], "eyJkIjoxfQ:1vQ:abc")
    assert client.post(other_salt).status_code == 400
    assert not NotificationDelivery.objects.filter(acknowledged_at__isnull=False).exists()
