"""Every field of every mention, webhook and file is written by strangers: nothing forged,
nothing poisoned, one bad item never costs the others, and no 500."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import time
from datetime import UTC, datetime

import pytest
from django.test import Client

from social.connectors import generic
from social.models import ConnectorHealth, SetAsideItem
from tests.conftest import api_for, mention_item
from tests.platforms import META_SECRET, X_SECRET, fixture
from tests.triage.test_queue import load
from triage import ingest
from triage.inbound.streams import BatchBuffer
from triage.models import Mention, MentionBatch, ReplyTemplate
from triage.names import clean_name
from triage.reports.export import safe_cell, to_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/mentions/"
GENERIC_SECRET = "shared-webhook-secret"


def post(client, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def x_sign(body: bytes, secret: str = X_SECRET) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def x_post(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_TWITTER_WEBHOOKS_SIGNATURE": signature} if signature else {}
    return client.post("/webhooks/x/", body, content_type="application/json", **headers)


def x_delivery(**tweet_changes) -> bytes:
    tweet = {**fixture("x/v1_tweet_object_reply.json"), **tweet_changes}
    return json.dumps({"for_user_id": "1", "tweet_create_events": [tweet]}).encode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- 1. forged X deliveries ---------------------------------------------------------
def test_a_delivery_signed_through_the_crc_endpoint_is_refused(client, platform):
    forged = json.dumps({"tweet_create_events": [fixture("x/v1_tweet_object_reply.json")]})
    # the attacker asks the CRC endpoint to "answer" their forged body: refused, nothing signed
    oracle = client.get("/webhooks/x/", {"crc_token": forged})
    assert oracle.status_code == 400 and "response_token" not in oracle.json()
    # any token that is answered cannot be a delivery: its signature never stores anything
    token = "cHJvYmUtdG9rZW4tMTIz"
    answer = client.get("/webhooks/x/", {"crc_token": token}).json()["response_token"]
    assert answer == x_sign(token.encode())
    assert x_post(client, token.encode(), answer).status_code == 400
    assert x_post(client, forged.encode(), answer).status_code == 403
    assert not MentionBatch.objects.exists() and not Mention.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "short",
        "x" * 129,
        '{"a":1}',
        "[1,2,3,4,5,6,7]",
        "token with spaces",
        "tok\u00e9n-unicode",
        "12345678\n",
    ],
)
def test_crc_answers_only_tokens_shaped_like_xs(client, platform, token):
    response = client.get("/webhooks/x/", {"crc_token": token})
    assert response.status_code == 400 and "response_token" not in response.json()
    assert not ConnectorHealth.objects.filter(platform="x").exists()


def test_crc_checks_are_rate_limited(client, platform):
    answers = [client.get("/webhooks/x/", {"crc_token": f"challenge-{i:04d}"}) for i in range(7)]
    assert [r.status_code for r in answers[:5]] == [200] * 5
    assert answers[5].status_code == 429 and answers[5]["Retry-After"] == "60"


# --- 8. forgery, replay and oversize for every webhook ------------------------------
def meta_sign(body: bytes, secret: str = META_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_delivery() -> bytes:
    payload = fixture("meta/fb_page_feed_comment_add_captured.json")
    for entry in payload["entry"]:
        entry["time"] = int(time.time())
    return json.dumps(payload).encode()


def generic_post(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_CRISISCENTER_SIGNATURE": signature} if signature else {}
    return client.post("/webhooks/generic/", body, content_type="application/json", **headers)


def deliveries(client):
    """(name, health row, genuine body, post(body, signature), sign(body)) for each webhook."""
    generic_body = json.dumps([mention_item("g1", platform="mastodon")]).encode()
    return [
        ("x", "x", x_delivery(), lambda b, s: x_post(client, b, s), x_sign),
        (
            "meta",
            "facebook",
            meta_delivery(),
            lambda b, s: client.post(
                "/webhooks/meta/",
                b,
                content_type="application/json",
                **({"HTTP_X_HUB_SIGNATURE_256": s} if s else {}),
            ),
            meta_sign,
        ),
        (
            "generic",
            "generic",
            generic_body,
            lambda b, s: generic_post(client, b, s),
            lambda b: generic.sign(b, GENERIC_SECRET, int(time.time())),
        ),
    ]


@pytest.fixture
def every_webhook(client, platform, monkeypatch):
    monkeypatch.setenv("GENERIC_WEBHOOK_SECRET", GENERIC_SECRET)
    return deliveries(client)


def test_forged_and_unsigned_deliveries_write_nothing_anywhere(every_webhook):
    for name, row, body, send, sign in every_webhook:
        assert send(body, None).status_code == 401, name
        assert send(body, sign(body + b" ")).status_code == 403, name
        assert send(body + b" ", sign(body)).status_code == 403, name
        assert not ConnectorHealth.objects.filter(platform=row).exists(), name
    assert not MentionBatch.objects.exists() and not SetAsideItem.objects.exists()


def test_a_replayed_delivery_stores_nothing_new(every_webhook):
    for name, _row, body, send, sign in every_webhook:
        signature = sign(body)
        assert send(body, signature).status_code in (200, 202), name
        again = send(body, signature)
        assert again.status_code == 200, name
        assert again.json().get("duplicate") or again.json().get("replay"), name
    assert MentionBatch.objects.count() == 3


def test_an_oversize_delivery_is_a_413_and_writes_nothing(every_webhook, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    for name, row, _body, send, sign in every_webhook:
        big = json.dumps([mention_item("big", text="x" * 3000)]).encode()
        response = send(big, sign(big))
        assert response.status_code == 413, name
        assert not ConnectorHealth.objects.filter(platform=row).exists(), name
    assert not MentionBatch.objects.exists()


# --- 2, 3. one mention must not take the queue down, nor its batch -----------------
@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"created_at": "0001-01-01T00:00:00+14:00"}, "[3].created_at"),
        ({"created_at": "2026-11-23T10:02:00+23:00"}, "[3].created_at"),
        ({"created_at": "2026-11-31T10:02:00Z"}, "[3].created_at"),
        ({"created_at": "9999-12-31T23:59:59Z"}, "[3].created_at"),
        ({"author": {"handle": "k", "followers": 2**63}}, "[3].author.followers"),
        ({"reshares": 2**31}, "[3].reshares"),
        ({"quotes": 10**30}, "[3].quotes"),
        ({"author": {"handle": "k", "followers": 1, "name": "x" * 201}}, "[3].author.name"),
        ({"url": "javascript:alert(1)"}, "[3].url"),
        ({"lang": "<b>en</b>"}, "[3].lang"),
        ({"author": {"handle": ["k"], "followers": 1}}, "[3].author.handle"),
    ],
)
def test_a_bad_item_is_refused_at_the_api_naming_its_path(integration, change, path):
    items = [mention_item(str(i)) for i in range(3)] + [mention_item("3", **change)]
    response = post(api_for(integration), items)
    assert response.status_code == 400
    assert path in response.json()["detail"]
    assert path in [e["path"] for e in response.json()["errors"]]
    assert not MentionBatch.objects.exists()


def test_a_lone_surrogate_is_a_400_not_a_500(integration):
    body = (
        '[{"platform": "x", "external_id": "1", "text": "broken \\ud800 text", "created_at": '
        '"2026-11-23T10:02:00Z", "author": {"handle": "kate", "followers": 3}}]'
    )
    response = post(api_for(integration), body)
    assert response.status_code == 400 and "[0].text" in response.json()["detail"]
    # in a field nobody reads, it is repaired rather than sinking the raw batch
    item = {**mention_item("2"), "extra": "\ud800"}
    assert post(api_for(integration), json.dumps([item])).status_code == 202


def test_an_offset_is_stored_as_the_same_instant_in_utc(integration):
    load(mention_item("kolkata", created_at="2026-11-23T15:32:00+05:30"))
    stored = Mention.objects.get(external_id="kolkata").created_at
    assert stored == datetime(2026, 11, 23, 10, 2, tzinfo=UTC)


def test_the_queue_keeps_answering_whatever_was_sent(integration, agent):
    load(mention_item("good"))
    bad = [mention_item("old", created_at="0001-01-01T00:00:00+14:00")]
    assert post(api_for(integration), bad).status_code == 400
    response = api_for(agent).get(URL)
    assert response.status_code == 200 and [m["external_id"] for m in response.json()["results"]] == ["good"]


def test_a_stream_sets_a_bad_item_aside_and_stores_the_rest(lead):
    good = [mention_item(f"s{i}", platform="mastodon") for i in range(3)]
    bad = mention_item("s-bad", platform="mastodon", created_at="0001-01-01T00:00:00+14:00")
    buffer = BatchBuffer("mastodon", source="mastodon:stream")
    buffer.add([*good[:2], bad, good[2]])
    assert buffer.flush() == 3
    [aside] = SetAsideItem.objects.all()
    assert aside.platform == "mastodon" and "created_at" in aside.reason and "s-bad" in aside.raw
    page = logged_in(lead).get("/social/health/").content.decode()
    assert "s-bad" in page, page[page.find("set-aside-title") :]
    assert "created_at must be between" in page


def test_a_signed_x_delivery_keeps_its_good_posts_and_sets_the_bad_one_aside(client, platform):
    good = fixture("x/v1_tweet_object_reply.json")
    bad = {**good, "id_str": "666", "user": {**good["user"], "followers_count": 2**64}}
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [good, bad]}).encode()
    response = x_post(client, body, x_sign(body))
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert SetAsideItem.objects.get().reason.startswith("author.followers must be at most")


def test_a_row_postgresql_refuses_is_set_aside_and_the_rest_stored():
    """What normalise could not foresee: the COPY fails, the batch goes in parts."""
    batch = MentionBatch.objects.create(received_at=datetime.now(UTC), source="api", items=[], item_count=10)
    context = dict(
        now=datetime.now(UTC),
        rules=ingest.scoring_rules(),
        watchlist={},
        brand=frozenset(),
        defaults=ingest.column_defaults(),
    )
    rows = []
    for i in range(10):
        normalised, problems = ingest.normalise(mention_item(f"c{i}"))
        assert not problems
        row = ingest.build_row(normalised, **context)
        row.batch_id = batch.pk
        rows.append(row)
    rows[6].reshares = 2**40  # past the integer column: PostgreSQL refuses the whole COPY
    refused = []
    inserted = ingest.insert_in_parts(rows, lambda row, reason: refused.append((row.external_id, reason)))
    assert sorted(m.external_id for m in inserted) == sorted(f"c{i}" for i in range(10) if i != 6)
    assert [external_id for external_id, _ in refused] == ["c6"]
    assert "out of range" in refused[0][1]
    assert Mention.objects.count() == 9


def test_a_batch_accepted_by_an_older_validator_stores_its_good_items():
    items = [mention_item("a"), mention_item("b", created_at="0001-01-01T00:00:00+14:00"), mention_item("c")]
    batch = MentionBatch.objects.create(
        received_at=datetime.now(UTC), source="api", items=items, item_count=3
    )
    result = ingest.process_batch(batch.pk)
    assert result.stored == 2
    assert sorted(Mention.objects.values_list("external_id", flat=True)) == ["a", "c"]
    assert "[1].created_at" in SetAsideItem.objects.get().reason


# --- 4. 500s become 4xx ---------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        {"band": "abc"},
        {"band": "99"},
        {"q": "a\x00b"},
        {"tag": "t\x00"},
        {"platform": "x\x00"},
        {"status": "bogus"},
    ],
)
def test_bad_queue_filters_are_400s(agent, query):
    response = api_for(agent).get(URL, query)
    assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"to": "2026-13-01"},
    ],
)
def test_impossible_report_periods_are_400s(agent, query):
    response = api_for(agent).get("/api/v1/reports/", query)
    assert response.status_code == 400 and response.json()["detail"]


def test_a_report_offset_postgresql_would_refuse_is_read_as_utc(agent):
    response = api_for(agent).get("/api/v1/reports/", {"from": "2026-11-01T00:00:00+23:00"})
    assert response.status_code == 200 and response.json()["start"].startswith("2026-10-31T01:00:00")


def test_bad_bodies_on_the_queue_actions_are_400s(agent):
    (mention,) = load(mention_item("1"))
    client = api_for(agent)
    base = f"/api/v1/mentions/{mention.pk}"
    ReplyTemplate.objects.create(name="Sorry", body="Sorry {name}.")
    cases = [
        (f"{base}/notes/", {"body": "note \x00 with NUL"}),
        (f"{base}/tags/", {"add": "not-a-list"}),
        (f"{base}/tags/", {"add": [{"a": 1}]}),
        (f"{base}/reply/", {"text": "hello", "template": "abc"}),
        (f"{base}/reply/", {"text": "hello \x00"}),
        ("/api/v1/broadcast/", {"ids": [mention.pk], "template": "x"}),
        ("/api/v1/mentions/bulk/", {"ids": [mention.pk], "action": "tag", "tags": "urgent"}),
        ("/api/v1/mentions/bulk/", {"ids": [2**70], "action": "resolve"}),
    ]
    for url, body in cases:
        response = client.post(url, body, format="json")
        assert response.status_code == 400, (url, body, response.status_code)
    assert client.get(f"{base}/draft/", {"template": "abc"}).status_code == 400


def test_deeply_nested_json_is_a_400(integration, agent):
    deep = "[" * 5000 + "]" * 5000
    assert post(api_for(integration), deep).status_code == 400
    nested = json.dumps([mention_item("1", extra=json.loads("[" * 40 + "]" * 40))])
    assert post(api_for(integration), nested).status_code == 400
    assert (
        api_for(agent).post("/api/v1/mentions/bulk/", deep, content_type="application/json").status_code
        == 400
    )


def test_a_signed_generic_delivery_with_an_impossible_date_is_a_400_naming_it(client, monkeypatch):
    monkeypatch.setenv("GENERIC_WEBHOOK_SECRET", GENERIC_SECRET)
    body = json.dumps([mention_item("1"), mention_item("2", created_at="2026-02-30T10:00:00Z")]).encode()
    response = generic_post(client, body, generic.sign(body, GENERIC_SECRET, int(time.time())))
    assert response.status_code == 400
    assert "[1].created_at" in [e["path"] for e in response.json()["errors"]]
    assert not MentionBatch.objects.exists()


def test_an_oversize_api_body_is_a_413(integration, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = post(api_for(integration), [mention_item(str(i), text="x" * 500) for i in range(5)])
    assert response.status_code == 413 and "at most 2000" in response.json()["detail"]


# --- 6. broadcast replies never publish a stranger's link -----------------------------
@pytest.mark.parametrize(
    ("raw", "first_only", "expected"),
    [
        ("Kate Bell", True, "Kate"),
        ("evil.example/claim", True, ""),
        ("Kate evil.example/claim", False, "Kate"),
        ("Claim your refund at evil.example", False, "Claim your refund at"),
        ("https://evil.example", True, ""),
        ("@northline_ceo", True, ""),
        ("Kate\u202eelpmaxe.live", True, ""),
        ("\u202eKate", True, "Kate"),
        ("Ka\u200bte", True, "Kate"),
        ("evil\uff0eexample", True, ""),
        ("Zoë O'Brien-Smith", False, "Zoë O'Brien-Smith"),
        ("李小龍", True, "李小龍"),
        ("J. R. Hartley", False, "J. R. Hartley"),
        ("Pat 0800-FREE-CASH", False, "Pat"),
        ("{{ name }} <script>", True, "name"),  # plain words survive, the markup does not
        ("", True, ""),
    ],
)
def test_names_in_replies_are_plain_words_only(raw, first_only, expected):

    assert clean_name(raw, first_only=first_only) == expected


def test_a_broadcast_to_a_link_for_a_name_goes_out_with_no_name(agent, settings):
    settings.PUBLIC_BASE_URL = "https://northline.example"
    template = ReplyTemplate.objects.create(name="Sorry", body="Hi {name}, we're sorry. Updates: {hub_link}")
    mentions = load(
        mention_item("1", author={"handle": "a", "name": "evil.example/claim", "followers": 1}),
        mention_item("2", author={"handle": "b", "name": "Kate Bell", "followers": 1}),
    )
    response = api_for(agent).post(
        "/api/v1/broadcast/", {"ids": [m.pk for m in mentions], "template": template.pk}, format="json"
    )
    assert response.status_code == 202
    texts = dict(Mention.objects.values_list("external_id", "reply_set__text"))
    assert texts["1"].startswith("Hi, we're sorry. Updates: https://northline.example/hub/")
    assert texts["2"].startswith("Hi Kate, we're sorry.")
    assert "evil" not in texts["1"]


# --- 7. CSV exports: every cell quoted and neutralised ----------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        " =1+1",
        "\n=1+1",
        "\u200b=cmd|' /C calc'!A0",
        "\u202e=1",
        "\uff1dHYPERLINK(1)",
        "|calc",
        "%0A=1",
        "-2+3",
    ],
)
def test_a_formula_anywhere_before_the_first_visible_character_is_neutralised(cell):

    assert safe_cell(cell) == "'" + cell
    line = to_csv(["text", "n"], [[cell, 3]]).splitlines()
    assert line[0] == '"text","n"'


def test_every_csv_cell_is_quoted():

    text = to_csv(["a", "b"], [["plain", 5], ["=x", None]])
    assert text.splitlines()[1] == '"plain","5"'
    assert list(csv.reader(io.StringIO(text)))[2] == ["'=x", ""]


def test_an_x_event_the_platform_got_wrong_is_set_aside_and_the_rest_stored(client, platform):
    good = fixture("x/v1_tweet_object_reply.json")
    broken = {**good, "id_str": "667", "created_at": "not a date"}
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [broken, "junk", good]}).encode()
    response = x_post(client, body, x_sign(body))
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert SetAsideItem.objects.get(platform="x").reason.startswith("ValueError")
