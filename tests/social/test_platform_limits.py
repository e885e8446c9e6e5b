"""Rate limits and write answers exactly as the platforms document them, through the local
platform server: X's documented 429 body with its x-rate-limit-* headers, and Meta's
`{"success": true}` answer to a write (fixtures/platforms/SOURCES.md)."""

import time

import pytest

from command import flows
from social import services
from social.connectors import OutboundError, get_connector
from social.models import AdCampaign, ConnectorHealth, PauseState, PlatformAccount
from tests.platform_server import Answer
from tests.platforms import fixture


def x_limit_headers(remaining: int, reset_in: float) -> dict[str, str]:
    # rate-limits.mdx: the ceiling, what is left, and the reset in UTC epoch seconds
    return {
        "x-rate-limit-limit": "900",
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(int(time.time() + reset_in)),
    }


# --- X ---------------------------------------------------------------------------------
def test_x_documented_429_says_rate_limit_and_waits_for_the_reset(platform):
    body = fixture("x/error_429_rate_limit_doc.json")
    platform.script("POST", "/2/tweets", Answer(429, body, x_limit_headers(0, 600)))
    x = get_connector("x")
    with pytest.raises(OutboundError) as caught:
        x.reply(in_reply_to="1296887316556980230", author_handle="TwitterDev", text="Sorry")
    assert caught.value.transient
    assert "Rate limit exceeded (code 88)" in str(caught.value)
    assert 590 <= caught.value.retry_after <= 600
    # Until the reset, replies fail at once with the wait, and X is not called again.
    with pytest.raises(OutboundError) as again:
        x.reply(in_reply_to="1296887316556980230", author_handle="TwitterDev", text="Sorry")
    assert again.value.transient and 580 <= again.value.retry_after <= 600
    assert len(platform.calls("POST", "/2/tweets")) == 1


def test_x_window_used_up_on_a_success_is_not_called_before_its_reset(platform):
    page = fixture("x/v2_tweet_reply_with_expansions.json") | {"meta": {"newest_id": "1296887316556980230"}}
    platform.script("GET", "/2/tweets/search/recent", Answer(200, page, x_limit_headers(0, 300)))
    x = get_connector("x")
    mentions, newest = x.search("@northlinerail")
    assert [m["external_id"] for m in mentions] == ["1296887316556980230"]
    with pytest.raises(OutboundError) as caught:
        x.search("@northlinerail", since_id=newest)
    assert caught.value.transient and 290 <= caught.value.retry_after <= 300
    assert len(platform.calls("GET", "/2/tweets/search/recent")) == 1
    # Other endpoints have their own windows: posting still goes out.
    assert x.reply(in_reply_to="1", author_handle="a", text="b")


def test_x_window_with_requests_left_keeps_calling(platform):
    platform.script(
        "GET",
        "/2/tweets/search/recent",
        *[Answer(200, {"meta": {"result_count": 0}}, x_limit_headers(5, 300))] * 2,
    )
    x = get_connector("x")
    x.search("@northlinerail")
    x.search("@northlinerail")
    assert len(platform.calls("GET", "/2/tweets/search/recent")) == 2


@pytest.mark.django_db
def test_x_campaign_pause_limited_for_minutes_fails_at_once_and_shows_the_limit(platform, lead, scenario):
    account = PlatformAccount.objects.create(platform="x", handle="northlinerail")
    campaign = AdCampaign.objects.create(account=account, name="Autumn fares", external_id="8wku2")
    body = fixture("x/error_429_rate_limit_doc.json")
    platform.script("PUT", r"/12/accounts/.*/campaigns/.*", Answer(429, body, x_limit_headers(0, 900)))
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    started = time.monotonic()
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 0, "failed": 1}
    assert time.monotonic() - started < 5  # no 30-second sleeps against a 15-minute window
    campaign.refresh_from_db()
    assert campaign.pause_state == PauseState.FAILED
    assert "Rate limit exceeded (code 88)" in campaign.pause_error
    assert len(platform.calls("PUT", r"/12/accounts/.*/campaigns/.*")) == 1
    assert ConnectorHealth.objects.get(platform="x").rate_limited_until is not None


# --- Meta ------------------------------------------------------------------------------
CAMPAIGN = "/v25.0/23843"


def test_meta_documented_success_true_confirms_the_pause(platform):
    platform.script("POST", CAMPAIGN, Answer(200, fixture("meta/graph_write_success_true_doc.json")))
    get_connector("facebook").pause_campaign(external_id="23843")
    [call] = platform.calls("POST", CAMPAIGN)
    assert call.form() == {"status": "PAUSED"}


def test_meta_success_as_the_string_true_is_also_a_confirmation(platform):
    # The pt_BR Pages guide renders the same answer as {"success": "true"}.
    platform.script("POST", CAMPAIGN, Answer(200, {"success": "true"}))
    get_connector("facebook").resume_campaign(external_id="23843")


@pytest.mark.parametrize(
    "answer",
    [{"success": False}, {"success": "false"}, {}, {"id": "23843"}, {"success": None}],
    ids=["false", "string-false", "empty", "no-success-key", "null"],
)
def test_meta_write_without_success_true_is_a_failure(platform, answer):
    platform.script("POST", CAMPAIGN, Answer(200, answer))
    with pytest.raises(OutboundError) as caught:
        get_connector("facebook").pause_campaign(external_id="23843")
    assert "did not confirm PAUSED for 23843" in str(caught.value)


@pytest.mark.django_db
def test_meta_pause_without_confirmation_leaves_the_campaign_failed_not_paused(platform, lead, scenario):
    account = PlatformAccount.objects.create(platform="facebook", handle="northlinerail")
    confirmed = AdCampaign.objects.create(account=account, name="Autumn fares", external_id="23843")
    silent = AdCampaign.objects.create(account=account, name="Winter fares", external_id="23844")
    platform.script("POST", CAMPAIGN, Answer(200, fixture("meta/graph_write_success_true_doc.json")))
    platform.script("POST", "/v25.0/23844", *[Answer(200, {})] * 4)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 1, "failed": 1}
    confirmed.refresh_from_db()
    silent.refresh_from_db()
    assert confirmed.pause_state == PauseState.PAUSED
    assert silent.pause_state == PauseState.FAILED and "did not confirm" in silent.pause_error
