import base64

import pytest

from social.connectors.base import OutboundError
from social.connectors.reddit import RedditConnector, normalise
from social.cursors import get_cursor
from social.models import ConnectorHealth
from tests.connector_helpers import fixture, process_pending, stored
from tests.platform_api import Answer, PlatformAPI
from triage.inbound.reddit_poll import poll

POSTS = "reddit/submission_listing_praw_cassette_TRIMMED.json"
COMMENTS = "reddit/info_comment_listing_praw_cassette.json"
EMPTY = Answer(200, {"kind": "Listing", "data": {"children": [], "after": None, "before": None}})
TOKEN = Answer(200, {"access_token": "tok-1", "token_type": "bearer", "expires_in": 86400, "scope": "*"})


def test_post_and_comment_listings_become_mentions():
    assert normalise([fixture(POSTS), fixture(COMMENTS)]) == [
        {
            "platform": "reddit",
            "external_id": "t3_fcn10m",
            "text": "Test\n\nComment Thread Time",
            "author": {"handle": "PokestarFan", "followers": 0},
            "created_at": "2020-03-03T01:40:43+00:00",
            "url": "https://www.reddit.com/r/<TEST_SUBREDDIT>/comments/fcn10m/test/",
            "lang": "",
            "reshares": 0,
            "replies": 271,
            "in_reply_to": "",
        },
        {
            "platform": "reddit",
            "external_id": "t1_fjbr7ul",
            "text": "Comment",
            "author": {"handle": "PokestarFan", "followers": 0},
            "created_at": "2020-03-03T01:40:50+00:00",
            "url": "https://www.reddit.com/r/<TEST_SUBREDDIT>/comments/fcn10m/test/fjbr7ul/",
            "lang": "",
            "reshares": 0,
            "replies": 0,
            "in_reply_to": "t3_fcn10m",
        },
    ]


def connector(api, **kw) -> RedditConnector:
    return RedditConnector(
        client_id="app-id",
        client_secret="app-secret",
        username="northline_care",
        password="pw",
        keywords=kw.pop("keywords", ["comment", "test"]),
        subreddits=kw.pop("subreddits", ["r/trains"]),
        auth_url=api.url,
        api_url=api.url,
        **kw,
    )


@pytest.mark.django_db
def test_poll_authenticates_as_a_script_app_stores_posts_comments_and_mentions_once_with_cursors():
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/access_token", TOKEN)
        api.always("GET", "/search", Answer(200, fixture(POSTS), {"x-ratelimit-remaining": "577.0"}))
        api.always("GET", "/r/trains/comments", Answer(200, fixture(COMMENTS)))
        api.always("GET", "/message/mentions", Answer(200, fixture(COMMENTS)))  # it also names u/us
        reddit = connector(api)
        first = poll(reddit)
        second = poll(reddit)
    token_call = api.calls("POST", "/api/v1/access_token")
    assert len(token_call) == 1  # the token is reused until it expires
    assert token_call[0].form() == {"grant_type": "password", "username": "northline_care", "password": "pw"}
    assert (
        token_call[0].headers["authorization"] == "Basic " + base64.b64encode(b"app-id:app-secret").decode()
    )
    search = api.calls("GET", "/search")[0]
    assert search.query["q"] == ["comment OR test"]
    assert (search.query["sort"], search.query["raw_json"]) == (["new"], ["1"])
    for seen in api.requests[1:]:
        assert seen.headers["authorization"] == "bearer tok-1"
        assert seen.headers["user-agent"] == "server:crisiscenter:1.0 (by /u/northline_care)"
    assert (first.found, first.accepted) == (3, 3)
    assert second.accepted == 3  # inside the overlap window: sent again, dropped by the dedupe
    assert get_cursor("reddit", "search_created_utc") == "1583199643.0"
    assert get_cursor("reddit", "comments_created_utc") == "1583199650.0"
    assert get_cursor("reddit", "mentions_created_utc") == "1583199650.0"
    process_pending()
    assert set(stored("reddit")) == {"t3_fcn10m", "t1_fjbr7ul"}


@pytest.mark.django_db
def test_exhausted_rate_limit_waits_for_the_reset_and_keeps_what_was_found():
    clock = [1000.0]
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/access_token", TOKEN)
        api.then(
            "GET",
            "/search",
            Answer(200, fixture(POSTS), {"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "10"}),
        )
        api.always("GET", "/search", Answer(200, fixture(POSTS), {"x-ratelimit-remaining": "599.0"}))
        api.always("GET", "/r/trains/comments", Answer(200, fixture(COMMENTS)))
        api.always("GET", "/message/mentions", EMPTY)
        reddit = connector(api, clock=lambda: clock[0])
        with pytest.raises(OutboundError) as caught:
            poll(reddit)
        assert caught.value.transient and caught.value.retry_after == 10
        assert api.calls("GET", "/r/trains/comments") == []  # nothing sent while blocked
        clock[0] += 11
        poll(reddit)
    assert len(api.calls("GET", "/r/trains/comments")) == 1
    assert get_cursor("reddit", "search_created_utc") == "1583199643.0"
    health = ConnectorHealth.objects.get(platform="reddit")
    assert health.rate_limited_until is not None and "rate limit" in health.last_error


@pytest.mark.django_db
def test_server_errors_and_429_fail_the_poll_without_moving_the_cursor():
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/access_token", TOKEN)
        api.then("GET", "/search", Answer(503, "<html>upstream</html>"))
        api.then(
            "GET",
            "/search",
            Answer(429, {"message": "Too Many Requests", "error": 429}, {"x-ratelimit-reset": "30"}),
        )
        reddit = connector(api, subreddits=[])
        with pytest.raises(OutboundError, match="503"):
            poll(reddit)
        with pytest.raises(OutboundError) as caught:
            poll(reddit)
    assert caught.value.retry_after == 30
    assert get_cursor("reddit", "search_created_utc") == ""
    assert ConnectorHealth.objects.get(platform="reddit").errors_total == 2


def test_reply_posts_a_comment_on_the_thing_and_refreshes_an_expired_token():
    tokens = iter(["tok-old", "tok-new"])
    with PlatformAPI() as api:
        api.always(
            "POST",
            "/api/v1/access_token",
            lambda seen: Answer(200, {"access_token": next(tokens), "expires_in": 3600}),
        )
        api.then(
            "POST",
            "/api/comment",
            Answer(401, {"message": "Unauthorized", "error": 401}),
            Answer(500, {"message": "Internal Server Error", "error": 500}),
            Answer(
                200,
                {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": {"name": "t1_reply1"}}]}}},
            ),
        )
        reply_id = connector(api).reply(in_reply_to="t1_fjbr7ul", author_handle="PokestarFan", text="Sorry!")
    assert reply_id == "t1_reply1"
    calls = api.calls("POST", "/api/comment")
    assert [c.headers["authorization"] for c in calls] == [
        "bearer tok-old",
        "bearer tok-new",
        "bearer tok-new",
    ]
    assert calls[-1].form() == {"thing_id": "t1_fjbr7ul", "text": "Sorry!", "api_type": "json"}


def test_reddit_ratelimit_error_in_a_200_is_transient_with_its_wait():
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/access_token", TOKEN)
        api.always(
            "POST",
            "/api/comment",
            Answer(
                200,
                {
                    "json": {
                        "errors": [
                            ["RATELIMIT", "you are doing that too much. try again in 3 minutes.", "ratelimit"]
                        ]
                    }
                },
            ),
        )
        reddit = connector(api)
        with pytest.raises(OutboundError) as caught:
            reddit._post_json("/api/comment", {"thing_id": "t3_x", "text": "hi"})
    assert caught.value.transient and caught.value.retry_after == 180
