import base64
import hashlib
import hmac
import json
import time

import pytest

from social.connectors import OutboundError, get_connector
from social.connectors import x as x_api
from social.connectors.oauth1 import OAuth1Keys, authorization
from social.models import ConnectorHealth
from tests.platform_server import Answer
from tests.platforms import X_SECRET, fixture, fixture_bytes
from triage import services as triage_services
from triage.delivery import send_reply
from triage.ingest import process_batch, validate_batch
from triage.models import Mention, MentionBatch, MentionStatus, ReplyStatus


def sign(body: bytes, secret: str = X_SECRET) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def post_webhook(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_TWITTER_WEBHOOKS_SIGNATURE": signature} if signature else {}
    return client.post("/webhooks/x/", body, content_type="application/json", **headers)


# --- documented payloads parse into the mentions a user expects -------------------
def test_search_page_joins_authors_with_follower_counts_and_verified():
    [mention] = x_api.normalise(fixture("x/v2_tweet_reply_with_expansions.json"))
    assert mention["external_id"] == "1296887316556980230"
    assert mention["author"] == {
        "handle": "TwitterDev",
        "followers": 513962,
        "name": "Twitter Dev",
        "verified": True,
        "bio": mention["author"]["bio"],
    }
    assert mention["in_reply_to"] == "1296887091901718529"
    assert (mention["reshares"], mention["replies"]) == (9 + 2, 3)
    assert mention["url"] == "https://x.com/TwitterDev/status/1296887316556980230"
    assert mention["created_at"].startswith("2020-08-21T19:10:05")
    validate_batch([mention])


def test_filtered_stream_event_without_metrics_still_makes_a_mention():
    [mention] = x_api.normalise(fixture("x/v2_filtered_stream_event_quickstart.json"))
    assert mention["text"] == "Look at this cute cat! 🐱"
    assert mention["author"]["handle"] == "catperson" and mention["author"]["followers"] == 0
    validate_batch([mention])


def test_note_tweet_text_replaces_the_truncated_text():
    page = fixture("x/v2_tweet_lookup_with_expansions.json")
    page["data"][0]["note_tweet"] = {"text": "A long post " * 40}
    [mention] = x_api.normalise(page)
    assert mention["text"] == "A long post " * 40


def test_account_activity_longform_uses_the_full_text():
    payload = fixture("x/aaa_tweet_create_events_longform_PARTIAL.json")
    user = {"id_str": "42", "screen_name": "historian", "followers_count": 7}
    payload["tweet_create_events"][0]["user"] = user
    [mention] = x_api.normalise(payload)
    assert mention["external_id"] == "1924465506158878979"  # id_str, not the rounded number
    assert mention["text"].startswith("The Antikythera Mechanism") and "Greek island" in mention["text"]
    assert mention["created_at"] == "2025-05-19T14:01:46+00:00"


def test_account_activity_without_the_user_object_is_skipped_not_crashed():
    assert x_api.normalise(fixture("x/aaa_tweet_create_events_longform_PARTIAL.json")) == []


def test_a_retweet_counts_for_its_original():
    [mention] = x_api.normalise(fixture("x/v1_tweet_object_retweet.json"))
    original = fixture("x/v1_tweet_object_retweet.json")["retweeted_status"]
    assert mention["external_id"] == original["id_str"]
    assert mention["author"]["handle"] == "suhemparack"
    assert not mention["text"].startswith("RT @")
    assert mention["reshares"] == original["retweet_count"] + original["quote_count"]


def test_a_v2_repost_without_its_original_stores_nothing():
    assert x_api.normalise(fixture("x/activity_api_post_repost_create.json")) == []


def test_activity_api_mention_joins_its_author():
    [mention] = x_api.normalise(fixture("x/activity_api_post_mention_create.json"))
    assert mention["author"]["handle"] == "OtherUser" and mention["author"]["followers"] == 97
    assert mention["lang"] == ""  # "und"


def test_v1_reply_object_parses():
    [mention] = x_api.normalise(fixture("x/v1_tweet_object_reply.json"))
    assert mention["author"]["followers"] == 512292 and mention["in_reply_to"] == "1296887091901718529"


def test_partial_errors_in_a_200_keep_the_data():
    page = fixture("x/error_v2_partial_errors_200.json")
    assert x_api.partial_errors(page) == ["Not Found Error: Could not find tweet with id: [456]."]
    assert x_api.normalise(page) == []  # data without includes.users: no author to rank


# --- Account Activity webhook ------------------------------------------------------
def test_crc_challenge_answers_with_the_hmac_of_the_token(client, platform):
    response = client.get("/webhooks/x/", {"crc_token": "challenge-123"})
    expected = base64.b64encode(hmac.new(X_SECRET.encode(), b"challenge-123", hashlib.sha256).digest())
    assert response.status_code == 200
    assert response.json() == {"response_token": "sha256=" + expected.decode()}


@pytest.mark.django_db
def test_genuine_delivery_is_stored_as_one_batch(client, platform):
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]})
    response = post_webhook(client, body.encode(), sign(body.encode()))
    assert response.status_code == 200 and response.json()["accepted"] == 1
    batch = MentionBatch.objects.get()
    assert batch.source == "webhook:x" and batch.items[0]["external_id"] == "1296887316556980230"
    assert ConnectorHealth.objects.get(platform="x").events_total == 1


@pytest.mark.django_db
def test_forged_or_missing_signature_stores_nothing(client, platform):
    body = json.dumps({"tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]}).encode()
    assert post_webhook(client, body, None).status_code == 401
    assert post_webhook(client, body, sign(body, "someone-elses-secret")).status_code == 403
    assert post_webhook(client, body + b" ", sign(body)).status_code == 403  # body altered after signing
    assert not MentionBatch.objects.exists()
    assert ConnectorHealth.objects.get(platform="x").errors_total == 3


@pytest.mark.django_db
def test_the_same_delivery_again_stores_nothing_new(client, platform):
    body = json.dumps({"tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]}).encode()
    assert post_webhook(client, body, sign(body)).json()["accepted"] == 1
    again = post_webhook(client, body, sign(body))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert MentionBatch.objects.count() == 1


@pytest.mark.django_db
def test_malformed_delivery_is_a_400_with_the_reason_and_counted(client, platform):
    bad_date = {"tweet_create_events": [{"id_str": "1", "created_at": "today", "user": {"screen_name": "a"}}]}
    for body in (b"{not json", json.dumps(bad_date).encode()):
        response = post_webhook(client, body, sign(body))
        assert response.status_code == 400 and "malformed" in response.json()["error"]
    assert not MentionBatch.objects.exists()
    assert ConnectorHealth.objects.get(platform="x").errors_total == 2


@pytest.mark.django_db
def test_stale_delete_delivery_is_refused(client, platform):
    body = fixture_bytes("x/aaa_tweet_delete_events.json")  # timestamp_ms from 2015
    response = post_webhook(client, body, sign(body))
    assert response.status_code == 400 and "stale" in response.json()["error"]


@pytest.mark.django_db
def test_a_deleted_post_leaves_the_queue_as_dismissed(client, platform, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = json.dumps({"tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]}).encode()
    post_webhook(client, body, sign(body))
    process_batch(MentionBatch.objects.get().pk)
    delete = fixture("x/aaa_tweet_delete_events.json")
    delete["tweet_delete_events"][0]["status"]["id"] = "1296887316556980230"
    delete["tweet_delete_events"][0]["timestamp_ms"] = str(int(time.time() * 1000))
    body = json.dumps(delete).encode()
    response = post_webhook(client, body, sign(body))
    assert response.status_code == 200 and response.json()["accepted"] == 0
    assert Mention.objects.get(external_id="1296887316556980230").status == MentionStatus.DISMISSED
    assert MentionBatch.objects.count() == 1


@pytest.mark.django_db
def test_webhooks_are_off_without_the_consumer_secret(client, monkeypatch):
    monkeypatch.delenv("X_CONSUMER_SECRET", raising=False)
    assert client.get("/webhooks/x/", {"crc_token": "t"}).status_code == 503


# --- outbound through the API --------------------------------------------------------
def test_oauth1_signature_matches_the_documented_example():
    keys = OAuth1Keys(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
    header = authorization(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json",
        keys,
        params={"include_entities": "true", "status": "Hello Ladies + Gentlemen, a signed OAuth request!"},
        nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        timestamp=1318622958,
    )
    assert 'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"' in header


def test_reply_posts_in_reply_to_the_mention(platform):
    connector = get_connector("x")
    reply_id = connector.reply(in_reply_to="1296887316556980230", author_handle="TwitterDev", text="Hi")
    [call] = platform.calls("POST", "/2/tweets")
    assert call.json() == {"text": "Hi", "reply": {"in_reply_to_tweet_id": "1296887316556980230"}}
    assert call.headers["authorization"].startswith("OAuth ") and reply_id


def test_campaign_pause_and_resume_through_the_ads_api(platform):
    connector = get_connector("x")
    connector.pause_campaign(external_id="8wku2")
    connector.resume_campaign(external_id="other-account:9abc")
    paused, resumed = platform.calls("PUT", r"/12/accounts/.*/campaigns/.*")
    assert paused.path == "/12/accounts/18ce54d4x5t/campaigns/8wku2"
    assert paused.query == {"entity_status": "PAUSED"}
    assert resumed.path == "/12/accounts/other-account/campaigns/9abc"
    assert resumed.query == {"entity_status": "ACTIVE"}


def test_rate_limit_is_transient_with_the_reset_time(platform):
    reset = str(int(time.time()) + 7)
    platform.script(
        "PUT", r"/12/.*", Answer(429, fixture("x/error_429_v2_observed.json"), {"x-rate-limit-reset": reset})
    )
    with pytest.raises(OutboundError) as caught:
        get_connector("x").pause_campaign(external_id="8wku2")
    assert caught.value.transient and 5 <= caught.value.retry_after <= 7
    assert "Too Many Requests" in str(caught.value)


def test_invalid_request_is_permanent_with_the_platform_reason(platform):
    platform.script("POST", "/2/tweets", Answer(400, fixture("x/error_v2_problem_invalid_request.json")))
    with pytest.raises(OutboundError) as caught:
        get_connector("x").reply(in_reply_to="1", author_handle="a", text="b")
    assert not caught.value.transient and "Invalid Request" in str(caught.value)


def test_recent_search_keeps_since_id_and_follows_pages(platform):
    first = fixture("x/v2_tweet_reply_with_expansions.json") | {
        "meta": {"newest_id": "1296887316556980230", "next_token": "page2"}
    }
    second = fixture("x/v2_tweet_lookup_with_expansions.json") | {"meta": {"result_count": 1}}
    platform.script("GET", "/2/tweets/search/recent", Answer(200, first), Answer(200, second))
    mentions, newest = get_connector("x").search("@northlinerail", since_id="1000")
    assert [m["external_id"] for m in mentions] == ["1296887316556980230", "1307025659294674945"]
    assert newest == "1296887316556980230"
    one, two = platform.calls("GET", "/2/tweets/search/recent")
    assert one.query["since_id"] == "1000" and two.query["next_token"] == "page2"
    assert one.headers["authorization"] == "Bearer bearer"
    assert "author_id" in one.query["expansions"]


@pytest.mark.django_db
def test_an_agents_reply_goes_out_on_x_in_reply_to_the_mention(client, platform, agent):
    body = json.dumps({"tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]}).encode()
    post_webhook(client, body, sign(body))
    process_batch(MentionBatch.objects.get().pk)
    mention = Mention.objects.get(platform="x", external_id="1296887316556980230")
    answer = triage_services.reply(mention_id=mention.pk, agent=agent, text="We are on it, sorry.")
    send_reply(answer.pk)
    answer.refresh_from_db()
    assert answer.status == ReplyStatus.SENT and answer.external_id
    [call] = platform.calls("POST", "/2/tweets")
    assert call.json()["reply"] == {"in_reply_to_tweet_id": "1296887316556980230"}
