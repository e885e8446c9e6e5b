"""The roster called in at activation (issue 16, rules 3-5): each member with an email address
gets a message with their own "on my way" link, and the huddle card shows who answered."""

import pytest
from django.core import mail
from django.test import Client

from command import flows, tasks
from playbooks.models import RosterCall, RosterEntry
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    people = []
    for name, team in [("fay_finance", "Finance"), ("ivo_it", "IT")]:
        user = make_user(name)
        user.email = f"{name}@example.org"
        user.save()
        people.append(RosterEntry.objects.create(user=user, team=team))
    RosterEntry.objects.create(user=make_user("no_mail"), team="Legal")  # nobody to write to
    return people


def test_activation_calls_the_roster_in_and_the_huddle_card_shows_who_answered(
    client, lead, scenario, roster
):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    assert tasks.call_in_roster(crisis.pk) == {"sent": 2, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["fay_finance@example.org", "ivo_it@example.org"]
    message = next(m for m in mail.outbox if m.to == ["fay_finance@example.org"])
    assert message.subject.startswith("DRILL: ")
    link = message.body.split("on your way: ")[1].split()[0]
    path = link[link.index("/playbooks/") :]

    outside = Client()  # the link is the credential: no sign-in needed
    assert "I am on my way" in outside.get(path).content.decode()
    assert RosterCall.objects.filter(acknowledged_at__isnull=False).count() == 0  # a visit is not an answer
    assert outside.post(path).status_code == 200
    assert tasks.call_in_roster(crisis.pk) == {"sent": 0, "failed": 0}  # not twice

    client.force_login(lead)
    card = client.get(f"/playbooks/crises/{crisis.pk}/").content.decode()
    assert "Roster on its way · 1 of 2" in card


def test_a_tampered_link_says_so(client):
    assert client.get("/playbooks/callin/not-a-token/").status_code == 400


def test_the_switch_offers_to_call_the_roster_in(client, lead, scenario):
    client.force_login(lead)
    page = client.get("/playbooks/switch/").content.decode()
    assert 'name="call_roster"' in page and "Call in the volunteer roster" in page
