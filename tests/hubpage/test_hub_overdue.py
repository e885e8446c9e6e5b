"""The hub page's promised next update: the lead is told once when it passes with nothing posted."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from command import flows
from hubpage import services as hub
from triage import tasks
from triage.models import Alert, AlertKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis(lead, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return flows.activate(scenario=scenario, by=lead).crisis


def promise(crisis, minutes: int):
    due = timezone.now() + timedelta(minutes=minutes)
    hub.set_page_options(crisis=crisis, next_update_at=due, keep_public=False)
    return due


def overview(user) -> dict:
    client = Client()
    client.force_login(user)
    return client.get("/").context


def test_a_missed_update_time_alerts_the_lead_once(crisis, lead):
    due = promise(crisis, -3)
    first = tasks.alert_missed_hub_update()
    assert first is not None and tasks.alert_missed_hub_update() is None  # one alert per missed time
    alert = Alert.objects.get(pk=first)
    assert alert.kind == AlertKind.HUB_OVERDUE
    assert f"update by {timezone.localtime(due):%H:%M}" in alert.message
    assert alert.details == {
        "crisis_id": crisis.pk,
        "next_update_at": due.isoformat(),
        "edit_url": "/hub/edit/",
    }
    context = overview(lead)
    assert context["hub_next_update"] == due and context["hub_next_update_overdue"] is True
    assert alert.message in context["queue"]["alerts"][0]["message"]

    later = promise(crisis, -1)  # a new promise, missed too: told again
    again = Alert.objects.get(pk=tasks.alert_missed_hub_update())
    assert again.details["next_update_at"] == later.isoformat()


def test_an_update_posted_after_the_promised_time_ends_the_overdue_state(crisis, lead, agent):
    due = promise(crisis, -3)
    hub.post_update(body="Trains are running again on the main line.", by=lead)
    assert tasks.alert_missed_hub_update() is None
    context = overview(agent)
    assert context["hub_next_update"] == due and context["hub_next_update_overdue"] is False


def test_a_time_still_ahead_or_unset_is_not_overdue(crisis, lead):
    assert tasks.alert_missed_hub_update() is None
    assert overview(lead)["hub_next_update"] is None
    due = promise(crisis, 20)
    assert tasks.alert_missed_hub_update() is None
    context = overview(lead)
    assert context["hub_next_update"] == due and context["hub_next_update_overdue"] is False


def test_without_a_crisis_nothing_is_due(lead):
    assert tasks.alert_missed_hub_update() is None
    context = overview(lead)
    assert context["hub_next_update"] is None and context["hub_next_update_overdue"] is False
