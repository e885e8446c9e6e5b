"""The switch never lies (issue 16): a drill reaches no platform, a real crisis wins over a
drill, and outside the demo a platform without credentials is shown as not connected."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from command import flows
from command import tasks as command_tasks
from social import services as outbound_services
from social.connectors import registry
from social.models import AdCampaign, PauseState, PostStatus, ScheduledPost
from tests.conftest import mention_item, wait_for
from tests.factories import (
    AdCampaignFactory,
    PlatformAccountFactory,
    ReplyTemplateFactory,
    ScheduledPostFactory,
)
from tests.triage.test_queue import load
from triage import delivery, replies, services
from triage.models import Reply, ReplyStatus

pytestmark = pytest.mark.django_db


def test_a_reply_during_a_drill_is_recorded_as_drill_and_queues_nothing(
    platform, lead, agent, scenario, django_capture_on_commit_callbacks
):
    flows.activate(scenario=scenario, by=lead, drill=True)
    (mention,) = load(mention_item("1"))  # X has credentials here: a real connector
    with django_capture_on_commit_callbacks(execute=True) as queued:
        answer = services.reply(mention_id=mention.pk, agent=agent, text="Sorry for the wait.")
    assert answer.status == ReplyStatus.DRILL
    assert not any("send_reply" in repr(c) for c in queued)
    assert delivery.send_reply(answer.pk) is None  # even if asked, a drill reply is never sent
    assert platform.requests == []


def test_a_broadcast_to_a_drills_demo_mentions_sends_nothing(platform, lead, agent, scenario):
    drill = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    mentions = load(mention_item("1"), mention_item("2", author={"handle": "ben", "followers": 10}))
    flows.deactivate(by=lead)  # the drill is over, but its demo mentions stay a drill's
    assert {m.crisis_id for m in mentions} == {drill.pk}
    template = ReplyTemplateFactory(name="sorry", body="Sorry {name}, see {hub_link}")
    result = replies.broadcast(mention_ids=[m.pk for m in mentions], agent=agent, template=template)
    assert set(Reply.objects.filter(pk__in=result.replies).values_list("status", flat=True)) == {"drill"}
    assert platform.requests == []


def test_outside_the_demo_an_unconfigured_platform_is_not_connected_and_nothing_shows_done(
    settings, client, lead, agent, scenario
):
    settings.DEMO_CONNECTORS = False
    registry.reset()
    account = PlatformAccountFactory(platform="mastodon", handle="northline")
    AdCampaignFactory(account=account, name="Fares", external_id="c1")
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert command_tasks.pause_on_platforms(crisis.pk) == {"paused": 0, "failed": 1}
    campaign = AdCampaign.objects.get()
    assert campaign.pause_state == PauseState.FAILED and "not connected" in campaign.pause_error

    (mention,) = load(mention_item("1", platform="mastodon"))
    answer = services.reply(mention_id=mention.pk, agent=agent, text="Sorry.")
    delivery.send_reply(answer.pk)
    answer.refresh_from_db()
    assert answer.status == ReplyStatus.FAILED and "mastodon is not connected" in answer.error

    flows.deactivate(by=lead)
    ScheduledPostFactory(account=account, text="Timetable", scheduled_for=timezone.now())
    assert outbound_services.publish_due_posts() == 0
    assert ScheduledPost.objects.get().status == PostStatus.FAILED

    client.force_login(lead)
    page = client.get("/social/health/").content.decode()
    assert "Not connected" in page and ">Demo<" not in page
    registry.reset()


@pytest.mark.django_db(transaction=True)
def test_a_post_in_flight_when_the_switch_flips_is_the_last_one_out(platform, lead, scenario):
    """The switch waits for the one post being sent; after it, nothing goes out."""
    platform.delay = 1.0
    account = PlatformAccountFactory(platform="x", handle="northlinerail")
    due = timezone.now() - timedelta(minutes=1)
    first, second = (
        ScheduledPostFactory(account=account, text=f"Timetable {i}", scheduled_for=due) for i in (1, 2)
    )
    publisher = threading.Thread(target=lambda: (outbound_services.publish_due_posts(), connection.close()))
    publisher.start()
    wait_for(lambda: platform.calls("POST", "/2/tweets"), message="the first post in flight")
    crisis = flows.activate(scenario=scenario, by=lead).crisis  # waits for the post in flight
    publisher.join()
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == PostStatus.PUBLISHED and first.published_at <= crisis.activated_at
    assert second.status == PostStatus.HELD and second.held_by == crisis
    assert len(platform.calls("POST", "/2/tweets")) == 1


def test_what_is_scheduled_or_switched_on_during_a_crisis_is_held_for_the_lead(
    lead, scenario, django_capture_on_commit_callbacks
):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    account = PlatformAccountFactory(platform="facebook", handle="northline")
    written = ScheduledPostFactory(account=account, text="New fares", scheduled_for=timezone.now())
    campaign = AdCampaignFactory(account=account, name="Spring sale", external_id="23850")
    with django_capture_on_commit_callbacks() as queued:
        assert command_tasks.hold_new_outbound() == {"posts": 1, "campaigns": 1}
    assert len(queued) == 1  # the platform pause for the campaign
    written.refresh_from_db(), campaign.refresh_from_db()
    assert written.status == PostStatus.HELD and written.held_by == crisis
    assert campaign.pause_state == PauseState.PENDING and campaign.paused_for == crisis
    flows.deactivate(by=lead)
    assert outbound_services.publish_due_posts() == 0  # held: only the lead releases it
    assert command_tasks.hold_new_outbound() == {"posts": 0, "campaigns": 0}
