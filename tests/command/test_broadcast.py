"""Broadcast mode (issue 16, rule 2): activation publishes the scenario's holding post once on
each of our own accounts, linking the hub page, pinned where the platform allows; a drill
records it and sends nothing; the Outbound tab shows each account's result."""

import re

import pytest

from command import flows
from command import tasks as command_tasks
from playbooks.models import AuditEntry, AuditKind
from social.connectors import registry
from social.connectors.mastodon import MastodonConnector
from social.models import BroadcastPost, BroadcastStatus, ConnectorHealth, PinState
from tests.factories import PlatformAccountFactory
from tests.platform_api import Answer, PlatformAPI
from tests.platform_server import Answer as XAnswer

pytestmark = pytest.mark.django_db

HOLDING = "Signal failure near Leeds: trains are delayed. We are sorry; updates on our crisis page."


@pytest.fixture
def mastodon(monkeypatch):
    """Mastodon's API on a local server, wired in as the real connector."""
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/statuses", Answer(200, {"id": "109", "content": "<p>ok</p>"}))
        api.always("POST", "/api/v1/statuses/109/pin", Answer(200, {"id": "109", "pinned": True}))
        monkeypatch.setitem(
            registry._FACTORIES, "mastodon", lambda: MastodonConnector(base_url=api.url, access_token="t")
        )
        registry.reset()
        yield api
    registry.reset()


@pytest.fixture
def accounts(db):
    return [
        PlatformAccountFactory(platform="x", handle="northlinerail"),
        PlatformAccountFactory(platform="mastodon", handle="northline"),
        PlatformAccountFactory(platform="generic", handle="listening-tool"),  # not an account we post from
    ]


def _rows():
    return {b.account.platform: b for b in BroadcastPost.objects.select_related("account")}


def test_activation_posts_the_holding_post_once_per_account_and_pins_it_on_mastodon(
    platform, mastodon, accounts, lead, scenario, settings
):
    scenario.broadcast_text = HOLDING
    scenario.save()
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert {p: b.status for p, b in _rows().items()} == {"x": "pending", "mastodon": "pending"}

    assert command_tasks.send_broadcast(crisis.pk) == {"published": 2, "failed": 0, "pinned": 1}
    assert command_tasks.send_broadcast(crisis.pk)["published"] == 0  # a second run posts nothing

    (tweet,) = platform.calls("POST", "/2/tweets")
    assert tweet.json()["text"] == f"{HOLDING}\n{settings.PUBLIC_BASE_URL}/hub/"
    (toot,) = mastodon.calls("POST", "/api/v1/statuses")
    assert toot.json()["status"].endswith(f"{settings.PUBLIC_BASE_URL}/hub/")
    assert len(mastodon.calls("POST", "/api/v1/statuses/109/pin")) == 1
    rows = _rows()
    assert rows["mastodon"].pin_state == PinState.PINNED and rows["mastodon"].external_id == "109"
    assert rows["x"].status == BroadcastStatus.PUBLISHED and rows["x"].pin_state == PinState.UNSUPPORTED
    assert AuditEntry.objects.filter(crisis=crisis, kind=AuditKind.BROADCAST).count() == 2


def test_a_drill_records_the_holding_post_as_drill_and_never_sends_it(
    platform, mastodon, accounts, lead, scenario
):
    scenario.broadcast_text = HOLDING
    scenario.save()
    drill = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    assert command_tasks.send_broadcast(drill.pk)["published"] == 0  # even if asked
    assert {b.status for b in BroadcastPost.objects.all()} == {BroadcastStatus.DRILL}
    assert platform.requests == [] and mastodon.requests == []


def test_no_holding_post_when_the_lead_unticks_it_or_the_scenario_has_none(accounts, lead, scenario):
    flows.activate(scenario=scenario, by=lead)  # the scenario has no holding post
    assert not BroadcastPost.objects.exists()
    flows.deactivate(by=lead)
    scenario.broadcast_text = HOLDING
    scenario.save()
    flows.activate(scenario=scenario, by=lead, broadcast=False)
    assert not BroadcastPost.objects.exists()


def test_a_refused_post_is_shown_with_the_platforms_reason_and_sent_again_on_retry(
    platform, mastodon, accounts, lead, scenario, client
):
    scenario.broadcast_text = HOLDING
    scenario.save()
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    platform.script(
        "POST",
        "/2/tweets",
        XAnswer(403, {"title": "Forbidden", "detail": "duplicate content", "status": 403}),
    )
    assert command_tasks.send_broadcast(crisis.pk)["failed"] == 1
    assert "duplicate content" in _rows()["x"].error
    assert "holding post" in ConnectorHealth.objects.get(platform="x").last_error

    client.force_login(lead)
    page = client.get(f"/playbooks/crises/{crisis.pk}/outbound/").content.decode()
    assert "Holding post (broadcast mode)" in page and "duplicate content" in page
    assert "Pinned to the profile" in page and "Send again where it failed (1)" in page

    client.post(f"/playbooks/crises/{crisis.pk}/outbound/broadcast/retry/")
    command_tasks.send_broadcast(crisis.pk)
    assert _rows()["x"].status == BroadcastStatus.PUBLISHED
    assert len(platform.calls("POST", "/2/tweets")) == 2
    assert len(mastodon.calls("POST", "/api/v1/statuses")) == 1  # the one that went out stays one


def test_a_holding_post_still_queued_when_the_crisis_ends_is_not_sent(platform, accounts, lead, scenario):
    scenario.broadcast_text = HOLDING
    scenario.save()
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    flows.deactivate(by=lead)
    assert command_tasks.send_broadcast(crisis.pk)["published"] == 0
    assert platform.calls("POST", "/2/tweets") == []
    assert {b.status for b in BroadcastPost.objects.all()} == {BroadcastStatus.FAILED}


def test_only_a_lead_sends_the_holding_post_again(agent, volunteer, client, lead, scenario, accounts):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    for user in (agent, volunteer):
        client.force_login(user)
        assert client.post(f"/playbooks/crises/{crisis.pk}/outbound/broadcast/retry/").status_code == 403


def test_the_switch_offers_broadcast_mode_and_the_api_takes_it(client, lead, scenario, accounts):
    scenario.broadcast_text = HOLDING
    scenario.save()
    client.force_login(lead)
    page = client.get("/playbooks/switch/").content.decode()
    assert re.search(r'<input[^>]*name="broadcast"[^>]*checked', page)  # ticked unless the lead unticks it
    client.post("/playbooks/switch/", {"scenario": scenario.pk, "broadcast": "on"})
    assert BroadcastPost.objects.count() == 2
