from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from social.connectors.base import OutboundError
from social.connectors.mastodon import MastodonConnector, normalise, parse_sse
from social.cursors import get_cursor
from social.models import ConnectorHealth, HeldNativeSchedule
from tests.connector_helpers import fixture, fixture_text, process_pending, stored
from tests.platform_api import Answer, PlatformAPI
from triage.inbound import mastodon_stream
from triage.ingest import validate_batch

GUARDIAN = "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code"


def test_documented_status_reads_as_plain_text_with_follower_count():
    assert normalise(fixture("mastodon/status_entity_doc_example.json")) == [
        {
            "platform": "mastodon",
            "external_id": "103270115826048975",
            "text": f'"I lost my inheritance with one wrong digit on my sort code"\n\n{GUARDIAN}',
            "author": {
                "handle": "Gargron",
                "followers": 322930,
                "name": "Eugen",
                "verified": False,
                "bio": "Developer of Mastodon and administrator of mastodon.social. I post service "
                "announcements, development updates, and personal stuff.",
            },
            "created_at": "2019-12-08T03:48:33.901Z",
            "url": "https://mastodon.social/@Gargron/103270115826048975",
            "lang": "en",
            "reshares": 6,
            "replies": 5,
            "in_reply_to": "",
        }
    ]


def test_streamed_update_and_mention_notification():
    update = normalise(
        {"event": "update", "data": fixture_text("mastodon/streaming_sse_update_event.data.json")}
    )
    assert update == [
        {
            "platform": "mastodon",
            "external_id": "108914327388663283",
            "text": "@disarray glad i was able to help",
            "author": {
                "handle": "freon@letsalllovela.in",
                "followers": 37,
                "name": "freon",
                "verified": False,
                "bio": "tech archaeologist, unix weenie\n#nobot",
            },
            "created_at": "2022-08-30T23:05:46.839Z",
            "url": "https://letsalllovela.in/objects/e9cebb0c-7c75-414f-9608-20b5628e52d7",
            "lang": "",
            "reshares": 0,
            "replies": 0,
            "in_reply_to": "108914298452377720",
        }
    ]
    [mention] = normalise(
        {
            "event": "notification",
            "data": fixture_text("mastodon/streaming_sse_notification_mention.data.json"),
        }
    )
    assert (mention["external_id"], mention["text"]) == ("108914343542683797", "@trwnh test")
    assert mention["author"] == {
        "handle": "a@pl.nulled.red",
        "followers": 0,
        "name": "a",
        "verified": False,
        "bio": "a (pleroma edition)",
    }


def test_websocket_envelope_payload_is_a_json_string():
    [mention] = normalise(fixture("mastodon/streaming_websocket_update_envelope.json"))
    assert mention["external_id"] == "108913983692647032"
    assert mention["text"] == (
        "And now I can't exit the inner nvim because I mapped escape to the parent vim instance 😂"
    )
    assert mention["author"]["handle"] == "tobtobxx@fosstodon.org"
    assert mention["author"]["followers"] == 150
    assert (mention["lang"], mention["in_reply_to"]) == ("en", "108913981098896721")
    assert normalise({"stream": ["public"], "event": "delete", "payload": "108913983692647032"}) == []


def test_boost_is_the_reshared_original_and_media_is_described():
    [boost] = normalise(fixture("mastodon/status_reblog_mastodonpy_cassette.json"))
    assert (boost["external_id"], boost["text"], boost["reshares"]) == ("117020586019094258", "Toot!", 1)
    assert boost["author"]["name"] == "John Lennon"
    [media] = normalise(fixture("mastodon/status_with_media_mastodonpy_cassette.json"))
    assert media["text"] == "LOL check this out\n[video: me when a cat]"


def test_mention_notifications_page_and_everything_passes_the_ingest_contract():
    mentions = normalise(fixture("mastodon/notifications_mentions_mastodonpy_cassette.json"))
    assert [(m["external_id"], m["text"], m["author"]["handle"]) for m in mentions] == [
        ("117020577157693549", "@mastodonpy_test hello!", "admin")
    ]
    everything = [
        *mentions,
        *normalise(fixture("mastodon/status_entity_doc_example.json")),
        *normalise(fixture("mastodon/streaming_websocket_update_envelope.json")),
        *normalise(fixture("mastodon/status_reblog_mastodonpy_cassette.json")),
    ]
    assert len(validate_batch(everything)) == 4


def test_html_is_text_only():
    status = fixture("mastodon/status_entity_doc_example.json")
    status["content"] = '<p>Hi<br>there &amp; <script>alert(1)</script><b onclick="x">you</b></p><p>Next</p>'
    assert normalise(status)[0]["text"] == "Hi\nthere & you\n\nNext"


def test_sse_lines_are_split_into_events():
    lines = [":thump", "event: update", 'data: {"a":', "data: 1}", "", "event: delete", "data: 42", ""]
    assert list(parse_sse(lines)) == [("update", '{"a":\n1}'), ("delete", "42")]


def sse(*events: tuple[str, str]) -> list[str]:
    out = [":)\n"]
    for event, data in events:
        out.append(f"event: {event}\ndata: {data}\n\n")
        out.append(":thump\n")
    return out


@pytest.mark.django_db
def test_stream_drop_reconnects_with_backoff_and_backfills_from_the_saved_id():
    update = fixture_text("mastodon/streaming_sse_update_event.data.json")
    notification = fixture_text("mastodon/streaming_sse_notification_mention.data.json")
    with PlatformAPI() as api, PlatformAPI() as streaming:
        # The server announces a separate streaming host, as mastodon.social does.
        instance = {"configuration": {"urls": {"streaming": streaming.url.replace("http", "ws")}}}
        api.always("GET", "/api/v2/instance", Answer(200, instance))
        api.then(
            "GET",
            "/api/v1/notifications",
            Answer(429, {"error": "Too many requests"}, {"Retry-After": "2"}),
            Answer(200, fixture("mastodon/notifications_mentions_mastodonpy_cassette.json")),
        ).always("GET", "/api/v1/notifications", Answer(200, []))
        streaming.then(
            "GET",
            "/api/v1/streaming/user",
            Answer(stream=sse(("update", update), ("notification", notification), ("delete", "1"))),
        ).always("GET", "/api/v1/streaming/user", Answer(503, {"error": "unavailable"}))
        connector = MastodonConnector(
            base_url=api.url, access_token="s3cret", own_acct="disarray@pl.nulled.red", client=httpx.Client()
        )
        sleeps = []
        mastodon_stream.listen(connector, sleep=sleeps.append, max_sessions=3, say=lambda _: None)

    # 429 -> waited what the server asked; then the stream dropped twice (close, then 503).
    assert 2 <= sleeps[0] <= 3
    assert len(sleeps) == 2
    notification_calls = api.calls("GET", "/api/v1/notifications")
    assert notification_calls[-1].query["min_id"] == ["68739215"]
    assert notification_calls[-1].query["types[]"] == ["mention"]
    assert len(streaming.calls("GET", "/api/v1/streaming/user")) == 2
    for seen in api.requests + streaming.requests:
        assert seen.headers["authorization"] == "Bearer s3cret"
        assert "access_token" not in seen.query
    assert get_cursor("mastodon", "notifications_since_id") == "68739215"
    process_pending()
    assert set(stored("mastodon")) == {"117020577157693549", "108914327388663283", "108914343542683797"}
    health = ConnectorHealth.objects.get(platform="mastodon")
    assert (health.reconnects, health.events_total) == (2, 3)
    assert health.rate_limited_until is not None
    assert "unavailable" in health.last_error


def test_reply_mentions_the_author_and_retries_a_rate_limit_without_posting_twice():
    with PlatformAPI() as api:
        api.then(
            "POST",
            "/api/v1/statuses",
            Answer(429, {"error": "Too many requests"}, {"Retry-After": "0"}),
            Answer(200, {"id": "555", "content": "<p>ok</p>"}),
        )
        connector = MastodonConnector(base_url=api.url, access_token="t")
        reply_id = connector.reply(
            in_reply_to="108914327388663283",
            author_handle="freon@letsalllovela.in",
            text="Sorry, see our hub.",
        )
    assert reply_id == "555"
    first, second = api.calls("POST", "/api/v1/statuses")
    assert first.json() == {
        "status": "@freon@letsalllovela.in Sorry, see our hub.",
        "in_reply_to_id": "108914327388663283",
    }
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_reply_refused_by_the_server_is_not_retried():
    with PlatformAPI() as api:
        api.always("POST", "/api/v1/statuses", Answer(422, {"error": "Validation failed: Text too long"}))
        connector = MastodonConnector(base_url=api.url, access_token="t")
        with pytest.raises(OutboundError, match="Text too long") as caught:
            connector.reply(in_reply_to="1", author_handle="a", text="x")
    assert not caught.value.transient
    assert len(api.calls("POST", "/api/v1/statuses")) == 1


@pytest.mark.django_db
def test_held_scheduled_status_moves_a_year_ahead_and_resumes_at_its_time():
    original = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    path = "/api/v1/scheduled_statuses/3221"
    with PlatformAPI() as api:
        api.always(
            "GET",
            path,
            Answer(
                200, {"id": "3221", "scheduled_at": original.isoformat(), "params": {"text": "Big sale!"}}
            ),
        )
        api.then("PUT", path, Answer(503, {"error": "busy"}))
        api.always("PUT", path, lambda seen: Answer(200, {"id": "3221", **seen.json()}))
        connector = MastodonConnector(base_url=api.url, access_token="t")
        connector.pause_scheduled(external_id="3221")
        connector.pause_scheduled(external_id="3221")  # a retried task: the original time is kept
        assert HeldNativeSchedule.objects.get(external_id="3221").original_at == original
        connector.resume_scheduled(external_id="3221")
    puts = [parse_datetime(p.json()["scheduled_at"]) for p in api.calls("PUT", path)]
    assert len(puts) == 4  # one 503 retried, a second pause, the resume
    assert all(when > timezone.now() + timedelta(days=360) for when in puts[:3])
    assert puts[-1] == original
    assert len(api.calls("GET", path)) == 1
    assert not HeldNativeSchedule.objects.exists()


@pytest.mark.django_db
def test_keywords_are_searched_while_the_stream_runs_looking_back_for_late_federated_posts():
    status = fixture("mastodon/status_entity_doc_example.json")
    with PlatformAPI() as api:
        api.always("GET", "/api/v1/notifications", Answer(200, []))
        api.then("GET", "/api/v2/search", Answer(200, {"statuses": [status], "accounts": [], "hashtags": []}))
        api.always("GET", "/api/v2/search", Answer(200, {"statuses": [], "accounts": [], "hashtags": []}))
        api.always("GET", "/api/v1/streaming/user", Answer(stream=[":)\n", ":thump\n", ":thump\n"]))
        connector = MastodonConnector(base_url=api.url, access_token="t", keywords=["Northline"])
        mastodon_stream.listen(
            connector, sleep=lambda s: None, max_sessions=1, search_every=0, say=lambda _: None
        )
    first, *later = api.calls("GET", "/api/v2/search")
    assert first.query == {"q": ["northline"], "type": ["statuses"], "limit": ["40"]}
    assert later and later[0].query["min_id"] == [mastodon_stream.lookback("103270115826048975")]
    assert int(later[0].query["min_id"][0]) < 103270115826048975 - (9 * 60 * 1000 << 16)
    assert get_cursor("mastodon", "search_min_id") == "103270115826048975"
    process_pending()
    assert set(stored("mastodon")) == {"103270115826048975"}
