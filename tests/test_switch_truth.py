"""The switch never lies (issue 16): a drill reaches no platform, a real crisis wins over a
drill, and outside the demo a platform without credentials is shown as not connected."""

import pytest
from django.utils import timezone

from command import flows
from command import tasks as command_tasks
from social import services as outbound_services
from social.connectors import registry
from social.models import AdCampaign, PauseState, PlatformAccount, PostStatus, ScheduledPost
from triage import delivery, replies, services
from triage.models import Reply, ReplyStatus, ReplyTemplate

from .conftest import mention_item
from .test_queue import load

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
    template = ReplyTemplate.objects.create(name="sorry", body="Sorry {name}, see {hub_link}")
    result = replies.broadcast(mention_ids=[m.pk for m in mentions], agent=agent, template=template)
    assert set(Reply.objects.filter(pk__in=result.replies).values_list("status", flat=True)) == {"drill"}
    assert platform.requests == []


def test_outside_the_demo_an_unconfigured_platform_is_not_connected_and_nothing_shows_done(
    settings, client, lead, agent, scenario
):
    settings.DEMO_CONNECTORS = False
    registry.reset()
    account = PlatformAccount.objects.create(platform="mastodon", handle="northline")
    AdCampaign.objects.create(account=account, name="Fares", external_id="c1")
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
    ScheduledPost.objects.create(account=account, text="Timetable", scheduled_for=timezone.now())
    assert outbound_services.publish_due_posts() == 0
    assert ScheduledPost.objects.get().status == PostStatus.FAILED

    client.force_login(lead)
    page = client.get("/social/health/").content.decode()
    assert "Not connected" in page and ">Demo<" not in page
    registry.reset()
