from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from social.connectors.registry import reset
from tests.connector_helpers import fixture
from tests.factories import PlatformAccountFactory
from tests.platform_api import Answer, PlatformAPI


@pytest.fixture(autouse=True)
def fresh_registry():
    reset()
    yield
    reset()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "missing"),
    [
        ("stream_mastodon", "MASTODON_ACCESS_TOKEN"),
        ("stream_bluesky", "BLUESKY_APP_PASSWORD"),
        ("poll_reddit", "REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, REDDIT_USERNAME, REDDIT_PASSWORD"),
    ],
)
def test_listeners_without_credentials_say_what_to_set(monkeypatch, command, missing):
    for name in missing.split(", "):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CommandError, match=missing):
        call_command(command, stdout=StringIO())


@pytest.mark.django_db
def test_poll_reddit_once_prints_what_it_found(monkeypatch):
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/access_token", Answer(200, {"access_token": "t", "expires_in": 3600}))
        api.always("GET", "/message/mentions", Answer(200, {"kind": "Listing", "data": {"children": []}}))
        api.always(
            "GET", "/search", Answer(200, fixture("reddit/submission_listing_praw_cassette_TRIMMED.json"))
        )
        for name, value in {
            "REDDIT_CLIENT_ID": "id",
            "REDDIT_CLIENT_SECRET": "secret",
            "REDDIT_USERNAME": "northline_care",
            "REDDIT_PASSWORD": "pw",
            "REDDIT_AUTH_URL": api.url,
            "REDDIT_API_URL": api.url,
        }.items():
            monkeypatch.setenv(name, value)
        PlatformAccountFactory(platform="reddit", handle="northline_care", listen_keywords="Northline")
        out = StringIO()
        call_command("poll_reddit", "--once", stdout=out)
    assert "reddit: 1 found, 1 sent to the queue" in out.getvalue()
    assert api.calls("GET", "/search")[0].query["q"] == ["northline"]
