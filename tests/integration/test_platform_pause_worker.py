"""The pause path end to end: the lead's POST to the switch, the real Celery worker, the
Meta Marketing API (a local server) answering 429 once, every campaign paused."""

import os

import pytest

from social.models import AdCampaign, PauseState, PlatformAccount
from tests.conftest import free_port, wait_for
from tests.platform_server import Answer, PlatformServer

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
    account = PlatformAccount.objects.create(platform="facebook", handle="northlinerail")
    for i in range(20):
        AdCampaign.objects.create(account=account, name=f"Fares {i}", external_id=str(23840 + i))
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
