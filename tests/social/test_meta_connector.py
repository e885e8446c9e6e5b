import hashlib
import hmac
import json
import time

import pytest

from social.connectors import OutboundError, get_connector
from social.connectors import meta as meta_api
from social.models import ConnectorHealth
from tests.platform_server import Answer
from tests.platforms import META_SECRET, META_VERIFY, fixture, fixture_bytes
from triage.ingest import process_batch, validate_batch
from triage.models import Mention, MentionBatch, MentionStatus


def sign(body: bytes, secret: str = META_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature else {}
    return client.post("/webhooks/meta/", body, content_type="application/json", **headers)


def fresh(name: str) -> bytes:
    """A documented delivery as Meta would send it now (entry.time is checked for staleness)."""
    payload = fixture(name)
    for entry in payload["entry"]:
        entry["time"] = int(time.time())
    return json.dumps(payload).encode()


# --- documented payloads ----------------------------------------------------------
def test_page_comment_becomes_a_facebook_mention():
    [mention] = meta_api.normalise(fixture("meta/fb_page_feed_comment_add_captured.json"))
    assert mention == {
        "platform": "facebook",
        "external_id": "122103846645077607_1490822195371767",
        "text": "สู้ๆๆๆ",
        "author": {"handle": "Sample Commenter", "followers": 0},
        "created_at": "2025-10-27T06:31:07+00:00",
        "url": "https://www.facebook.com/889083480945134_122103846645077607",
        "in_reply_to": "889083480945134_122103846645077607",
    }
    validate_batch([mention])


def test_sticker_comment_without_message_is_kept_and_said_so():
    [mention] = meta_api.normalise(fixture("meta/fb_page_feed_comment_sticker_no_message_captured.json"))
    assert mention["text"] == meta_api.NO_TEXT
    validate_batch([mention])


def test_batched_delivery_gives_every_comment_and_skips_the_pages_own():
    text = fixture("meta/fb_page_feed_comment_add_captured.json")
    sticker = fixture("meta/fb_page_feed_comment_sticker_no_message_captured.json")
    own = json.loads(json.dumps(text["entry"][0]["changes"][0]))
    own["value"]["from"]["id"] = "889083480945134"
    own["value"]["comment_id"] = "own_reply"
    text["entry"][0]["changes"].append(own)
    text["entry"] += sticker["entry"]
    assert [m["external_id"] for m in meta_api.normalise(text)] == [
        "122103846645077607_1490822195371767",
        "122103846645077607_1354207589618104",
    ]


def test_dashboard_test_mention_needs_no_lookup():
    assert meta_api.instagram_mentions(fixture("meta/ig_webhook_mentions_dashboard_test_captured.json")) == []
    assert meta_api.normalise(fixture("meta/ig_webhook_mentions_dashboard_test_captured.json")) == []


# --- webhook -------------------------------------------------------------------------
@pytest.mark.django_db
def test_subscription_check_echoes_the_challenge_only_for_our_token(client, platform):
    ok = client.get(
        "/webhooks/meta/",
        {"hub.mode": "subscribe", "hub.verify_token": META_VERIFY, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(
        "/webhooks/meta/", {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


@pytest.mark.django_db
def test_batched_delivery_is_one_batch(client, platform):
    payload = fixture("meta/fb_page_feed_comment_add_captured.json")
    payload["entry"] += fixture("meta/fb_page_feed_comment_sticker_no_message_captured.json")["entry"]
    for entry in payload["entry"]:
        entry["time"] = int(time.time() * 1000)  # milliseconds happen too
    body = json.dumps(payload).encode()
    response = post_webhook(client, body, sign(body))
    assert response.status_code == 200 and response.json()["accepted"] == 2
    batch = MentionBatch.objects.get()
    assert batch.source == "webhook:facebook" and batch.item_count == 2


@pytest.mark.django_db
def test_forged_or_missing_signature_stores_nothing(client, platform):
    body = fresh("meta/fb_page_feed_comment_add_captured.json")
    assert post_webhook(client, body, None).status_code == 401
    assert post_webhook(client, body, sign(body, "not-our-secret")).status_code == 403
    assert post_webhook(client, body.replace(b"Sample", b"Forged"), sign(body)).status_code == 403
    assert not MentionBatch.objects.exists()


@pytest.mark.django_db
def test_replayed_and_stale_deliveries_store_nothing_new(client, platform):
    body = fresh("meta/fb_page_feed_comment_add_captured.json")
    assert post_webhook(client, body, sign(body)).json()["accepted"] == 1
    assert post_webhook(client, body, sign(body)).json() == {"accepted": 0, "duplicate": True}
    old = fixture_bytes("meta/fb_page_feed_comment_sticker_no_message_captured.json")  # from 2025
    response = post_webhook(client, old, sign(old))
    assert response.status_code == 400 and "stale" in response.json()["error"]
    assert MentionBatch.objects.count() == 1


@pytest.mark.django_db
def test_malformed_delivery_is_a_400_logged_and_counted(client, platform):
    for body in (
        b"[]",
        b'{"object": "page", "entry": "nope"}',
        b'{"object": "whatsapp", "entry": []}',
        b"\xff",
    ):
        response = post_webhook(client, body, sign(body))
        assert response.status_code == 400, body
        assert "malformed" in response.json()["error"]
    assert not MentionBatch.objects.exists()
    assert ConnectorHealth.objects.get(platform="facebook").errors_total == 4


@pytest.mark.django_db
def test_dashboard_test_mention_is_accepted_and_stores_nothing(client, platform):
    body = fresh("meta/ig_webhook_mentions_dashboard_test_captured.json")
    assert post_webhook(client, body, sign(body)).json() == {"accepted": 0}
    assert not MentionBatch.objects.exists() and not platform.requests


@pytest.mark.django_db
def test_instagram_mention_is_read_through_the_graph_api(client, platform):
    payload = fixture("meta/ig_webhook_mentions_dashboard_test_captured.json")
    payload["entry"][0].update(id="17841405822304914", time=int(time.time()))
    platform.script(
        "GET",
        "/v25.0/17841405822304914",
        Answer(
            200,
            {
                "mentioned_comment": {
                    "id": "17887498072083520",
                    "text": "@northlinerail my train was cancelled, refund?",
                    "username": "traveller_ines",
                    "timestamp": "2026-11-24T08:01:02+0000",
                },
                "id": "17841405822304914",
            },
        ),
    )
    body = json.dumps(payload).encode()
    assert post_webhook(client, body, sign(body)).json()["accepted"] == 1
    [call] = platform.calls("GET", "/v25.0/17841405822304914")
    assert call.query["fields"].startswith("mentioned_comment.comment_id(17887498072083520)")
    [item] = MentionBatch.objects.get().items
    assert item["platform"] == "instagram" and item["author"]["handle"] == "traveller_ines"


# --- outbound -----------------------------------------------------------------------
def test_facebook_and_instagram_replies_use_their_edges(platform):
    assert get_connector("facebook").reply(in_reply_to="122_149", author_handle="x", text="Sorry")
    assert get_connector("instagram").reply(in_reply_to="178874", author_handle="y", text="Hello")
    [fb] = platform.calls("POST", "/v25.0/122_149/comments")
    [ig] = platform.calls("POST", "/v25.0/178874/replies")
    assert fb.form() == {"message": "Sorry"} and ig.form() == {"message": "Hello"}
    assert fb.headers["authorization"] == "Bearer page-token"


def test_campaign_pause_is_a_status_post_confirmed_by_success(platform):
    get_connector("facebook").pause_campaign(external_id="23843")
    platform.script("POST", "/v25.0/23844", Answer(200, {"success": "true"}))  # the pt_BR docs' string
    get_connector("facebook").resume_campaign(external_id="23844")
    first, second = platform.calls("POST", r"/v25.0/\d+")
    assert first.form() == {"status": "PAUSED"} and second.form() == {"status": "ACTIVE"}


def test_expired_token_is_a_permanent_failure_with_its_message(platform):
    platform.script(
        "POST", "/v25.0/23843", Answer(400, fixture("meta/graph_error_oauthexception_190_doc.json"))
    )
    with pytest.raises(OutboundError) as caught:
        get_connector("facebook").pause_campaign(external_id="23843")
    assert not caught.value.transient
    assert "Message describing the error (code 190)" in str(caught.value)


def test_meta_rate_limit_codes_are_transient(platform):
    limited = {"error": {"message": "User request limit reached", "type": "OAuthException", "code": 17}}
    platform.script("POST", "/v25.0/23843", Answer(400, limited))
    with pytest.raises(OutboundError) as caught:
        get_connector("facebook").pause_campaign(external_id="23843")
    assert caught.value.transient


def test_a_success_false_is_not_taken_for_paused(platform):
    platform.script("POST", "/v25.0/23843", Answer(200, {"success": False}))
    with pytest.raises(OutboundError):
        get_connector("facebook").pause_campaign(external_id="23843")


@pytest.mark.django_db
def test_a_removed_comment_leaves_the_queue_as_dismissed(client, platform):
    body = fresh("meta/fb_page_feed_comment_add_captured.json")
    post_webhook(client, body, sign(body))
    process_batch(MentionBatch.objects.get().pk)
    payload = json.loads(body)
    payload["entry"][0]["changes"][0]["value"]["verb"] = "remove"
    removal = json.dumps(payload).encode()
    assert post_webhook(client, removal, sign(removal)).json() == {"accepted": 0}
    mention = Mention.objects.get(external_id="122103846645077607_1490822195371767")
    assert mention.status == MentionStatus.DISMISSED
