"""The pause path end to end: the lead's POST to the switch, the real Celery worker, the
Meta Marketing API (a local server) answering 429 once, every campaign paused."""

import os

import pytest

from social.models import AdCampaign, BroadcastPost, BroadcastStatus, PauseState, PinState
from tests.conftest import free_port, mention_item, wait_for, worker_idle
from tests.factories import AdCampaignFactory, PlatformAccountFactory
from tests.platform_server import Answer, PlatformServer
from triage.models import Mention, Reply, ReplyStatus

from .conftest import http_post

# The worker is a child process started once per session: it reads the platform's base
# URL and token from the environment it inherits, so they are set when this module loads
# (collection), before any fixture starts it. Only Meta is pointed here: no other test
# uses the facebook platform without its own local server.
PORT = free_port()
os.environ["META_GRAPH_BASE"] = f"http://127.0.0.1:{PORT}"
os.environ["META_PAGE_ACCESS_TOKEN"] = "worker-page-token"
os.environ["SOCIAL_PLATFORM_BASE_DELAY"] = "0.05"
os.environ["META_PAGE_ID"] = "889083480945134"


@pytest.mark.django_db(transaction=True)
def test_switch_pauses_every_campaign_through_the_worker(live, lead, scenario, settings):
    account = PlatformAccountFactory(platform="facebook", handle="northlinerail")
    for i in range(20):
        AdCampaignFactory(account=account, name=f"Fares {i}", external_id=str(23840 + i))
    with PlatformServer(delay=0.02, port=PORT) as platform:
        platform.script(
            "POST", "/v25.0/23845", Answer(429, {"error": {"message": "wait"}}, {"Retry-After": "1"})
        )
        status, body = http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
        assert status in (200, 201), body
        wait_for(
            lambda: not AdCampaign.objects.exclude(pause_state=PauseState.PAUSED).exists(),
            timeout=20,
            message="every campaign paused on the platform",
        )
    calls = [c for c in platform.requests if c.method == "POST"]
    assert len(calls) == 21  # one each, and the one the platform rate-limited twice
    assert {c.headers["authorization"] for c in calls} == {"Bearer worker-page-token"}


@pytest.mark.django_db(transaction=True)
def test_a_drill_reaches_no_platform_through_the_worker(live, lead, agent, integration, scenario):
    """Facebook is a real connector in the worker here: a drill still calls nothing on it."""
    account = PlatformAccountFactory(platform="facebook", handle="northlinerail")
    AdCampaignFactory(account=account, name="Fares", external_id="23840")
    with PlatformServer(port=PORT) as platform:
        status, body = http_post(
            live, "/api/v1/crisis/activate/", {"scenario": scenario.pk, "drill": True}, lead
        )
        assert status == 201 and body["mode"] == "drill", body
        item = mention_item("889_1", platform="facebook", text="Is the 8:15 cancelled?")
        assert http_post(live, "/api/v1/mentions/", [item], integration)[0] == 202
        mention = wait_for(lambda: Mention.objects.filter(external_id="889_1").first(), message="stored")
        status, body = http_post(
            live, f"/api/v1/mentions/{mention.pk}/reply/", {"text": "Sorry, yes."}, agent
        )
        assert status in (200, 201), body
        assert worker_idle(), "the worker finished what the drill queued"
    assert Reply.objects.get(mention=mention).status == ReplyStatus.DRILL
    assert platform.requests == []  # no reply, no pause reached the platform
    assert AdCampaign.objects.get(external_id="23840").pause_state == PauseState.NONE


@pytest.mark.django_db(transaction=True)
def test_the_holding_post_goes_out_once_through_the_worker_and_a_drill_sends_none(live, lead, scenario):
    """Broadcast mode: the switch (API) queues the holding post after commit; the worker posts it
    on the Facebook Page once, linking the hub page; Facebook gives no pin. A drill sends none."""
    scenario.broadcast_text = "Trains are stopped near Leeds. Everyone is safe. We are sorry."
    scenario.save()
    PlatformAccountFactory(platform="facebook", handle="northlinerail")
    with PlatformServer(port=PORT) as platform:
        feed = r"/v[\d.]+/889083480945134/feed"
        platform.script("POST", feed, Answer(200, {"id": "889083480945134_42"}))
        status, body = http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
        assert status == 201, body
        post = wait_for(
            lambda: BroadcastPost.objects.filter(status=BroadcastStatus.PUBLISHED).first(),
            timeout=60,
            message="the holding post published",
        )
        assert worker_idle()
        (call,) = platform.calls("POST", feed)
        assert call.form()["message"].startswith("Trains are stopped near Leeds.")
        assert call.form()["message"].endswith("/hub/")
        assert post.external_id == "889083480945134_42" and post.pin_state == PinState.UNSUPPORTED

        assert http_post(live, "/api/v1/crisis/deactivate/", {}, lead)[0] == 200
        status, body = http_post(
            live, "/api/v1/crisis/activate/", {"scenario": scenario.pk, "drill": True}, lead
        )
        assert status == 201 and body["mode"] == "drill", body
        assert worker_idle()
    assert len(platform.calls("POST", feed)) == 1  # the drill's post is recorded, never sent
    assert BroadcastPost.objects.filter(status=BroadcastStatus.DRILL).count() == 1
