"""The pause path end to end: the lead's POST to the switch, the real Celery worker, the
Meta Marketing API (a local server) answering 429 once, every campaign paused."""

import os

import pytest

from social.models import AdCampaign, PauseState
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
