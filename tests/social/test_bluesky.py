import copy
import json
import threading
import time
import urllib.parse

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from websockets.sync.server import serve

from social.connectors.bluesky import (
    BlueskyConnector,
    event_to_mention,
    expanded_text,
    facet_text,
    mentioned_dids,
    reply_facets,
)
from social.cursors import get_cursor, save_cursor
from social.models import ConnectorHealth
from tests.connector_helpers import fixture, process_pending, stored
from tests.platform_api import Answer, PlatformAPI
from triage.inbound import bluesky_stream
from triage.inbound.streams import BatchBuffer
from triage.models import MentionBatch

QUOTE = "bluesky/jetstream_commit_create_post_quote_captured.json"
REPLY_IMAGES = "bluesky/jetstream_commit_create_post_reply_images_captured.json"


def test_reply_with_images_from_jetstream_becomes_a_mention():
    profile = {"handle": "kate.bsky.social", "followersCount": 1300, "displayName": "Kate", "description": ""}
    assert event_to_mention(fixture(REPLY_IMAGES), profile) == {
        "platform": "bluesky",
        "external_id": "at://did:plc:sampleauthor000000000001/app.bsky.feed.post/3lplngnsi6224",
        "text": "he keeps furiously grooming them to get them to lay flat but they stick out like "
        "little alfalfas\n[image]",
        "author": {
            "handle": "kate.bsky.social",
            "followers": 1300,
            "name": "Kate",
            "verified": False,
            "bio": "",
        },
        "created_at": "2025-05-20T08:15:20.491866Z",
        "url": "https://bsky.app/profile/kate.bsky.social/post/3lplngnsi6224",
        "lang": "en",
        "reshares": 0,
        "replies": 0,
        "in_reply_to": "at://did:plc:sampleauthor000000000001/app.bsky.feed.post/3lplfkayc2k22",
    }


def test_quote_links_the_quoted_post_and_without_a_profile_the_did_stands_in():
    mention = event_to_mention(fixture(QUOTE))
    assert mention["text"].endswith(
        "\n[quoting https://bsky.app/profile/did:plc:sampleauthor000000000002/post/3lpl5imv5ys2c]"
    )
    assert mention["author"]["handle"] == "did:plc:sampleauthor000000000003"
    assert mention["created_at"] == "2025-05-20T08:15:20.493261Z"  # relay time, not createdAt


def test_likes_follows_deletes_identity_and_account_events_are_not_mentions():
    events = [
        fixture("bluesky/jetstream_commit_create_like.json"),
        fixture("bluesky/jetstream_commit_delete_follow.json"),
        *fixture("bluesky/jetstream_identity_and_account_events.json"),
    ]
    assert [event_to_mention(e) for e in events] == [None, None, None, None]


def test_facets_are_utf8_byte_offsets():
    record = fixture("bluesky/post_record_facets_mention_link.json")
    assert facet_text(record, 23, 35) == "@atproto.com"
    assert mentioned_dids(record) == {"did:plc:ewvi7nxzyoun6zhxrhs64oiz"}
    shortened = copy.deepcopy(record)
    label = "en.wikipedia.org/wiki/C..."
    shortened["text"] = record["text"].replace("https://en.wikipedia.org/wiki/CBOR", label)
    shortened["facets"][1]["index"]["byteEnd"] = 74 + len(label.encode())
    assert expanded_text(shortened) == record["text"]
    assert reply_facets(
        "@kate.bsky.social ✨ https://hub.example.org/a.", {"kate.bsky.social": "did:plc:k"}
    ) == [
        {
            "index": {"byteStart": 0, "byteEnd": 17},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:k"}],
        },
        {
            "index": {"byteStart": 22, "byteEnd": 47},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://hub.example.org/a"}],
        },
    ]


def test_langs_and_reply_records():
    event = fixture(QUOTE)
    event["commit"]["record"] = fixture("bluesky/post_record_langs.json")
    assert event_to_mention(event)["lang"] == "th"
    event["commit"]["record"] = fixture("bluesky/post_record_reply.json")
    assert event_to_mention(event)["in_reply_to"] == (
        "at://did:plc:u5cwb2mwiv2bfq53cjufe6yn/app.bsky.feed.post/3k43tv4rft22g"
    )


def post_event(rkey: str, time_us: int, text: str, did: str = "did:plc:sampleauthor000000000003") -> str:
    event = fixture(QUOTE)
    event.update(did=did, time_us=time_us)
    event["commit"].update(rkey=rkey)
    event["commit"]["record"].update(text=text)
    return json.dumps(event)


class Jetstream:
    """A local Jetstream: each connection plays the next script, then closes."""

    def __init__(self, *scripts):
        self.scripts = list(scripts)
        self.paths: list[str] = []
        self.server = serve(self.handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"

    def handle(self, ws):
        self.paths.append(ws.request.path)
        for frame in self.scripts.pop(0) if self.scripts else []:
            if isinstance(frame, float):
                time.sleep(frame)
            else:
                ws.send(frame)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.mark.django_db
def test_jetstream_cursor_is_saved_after_each_batch_and_replayed_on_reconnect():
    cache.clear()
    t = 1_747_728_920_000_000
    a = post_event("3aaa", t, "Is the Northline train safe today?")
    b = post_event("3bbb", t + 1_000, "nothing to see here")
    c = post_event("3ccc", t + 2_000, "northline lost my bike", did="did:plc:other")
    d = post_event("3ddd", t + 3_000, "Northline refund please")
    noise = [json.dumps(fixture("bluesky/jetstream_commit_create_like.json"))] + [
        json.dumps(e) for e in fixture("bluesky/jetstream_identity_and_account_events.json")
    ]
    profiles = {
        "profiles": [
            {"did": "did:plc:sampleauthor000000000003", "handle": "kate.bsky.social", "followersCount": 1300},
            {"did": "did:plc:other", "handle": "sam.bsky.social", "followersCount": 15400},
        ]
    }
    with PlatformAPI() as appview, Jetstream([*noise, a, b, 0.8, c], [a, c, d]) as jetstream:
        appview.always(
            "GET",
            "/xrpc/app.bsky.actor.getProfiles",
            lambda seen: Answer(
                200, {"profiles": [p for p in profiles["profiles"] if p["did"] in seen.query["actors"]]}
            ),
        )
        connector = BlueskyConnector(
            handle="northline.bsky.social",
            app_password="x",
            appview_url=appview.url,
            jetstream_url=jetstream.url,
            keywords=["Northline"],
        )
        sleeps = []
        bluesky_stream.listen(
            connector, sleep=sleeps.append, max_sessions=2, max_wait=0.3, say=lambda _: None
        )

    first, second = (urllib.parse.parse_qs(urllib.parse.urlsplit(p).query) for p in jetstream.paths)
    assert first == {"wantedCollections": ["app.bsky.feed.post"]}
    assert second["cursor"] == [str(t + 2_000 - 5_000_000)]  # last committed, 5 s back
    assert get_cursor("bluesky", "jetstream_time_us") == str(t + 3_000)
    assert sum(len(batch.items) for batch in MentionBatch.objects.all()) == 5  # a and c twice
    process_pending()
    mentions = stored("bluesky")
    assert sorted(m.text.split("\n")[0] for m in mentions.values()) == [
        "Is the Northline train safe today?",
        "Northline refund please",
        "northline lost my bike",
    ]
    bike = mentions["at://did:plc:other/app.bsky.feed.post/3ccc"]
    assert (bike.author_handle, bike.author_followers) == ("sam.bsky.social", 15400)
    # Profiles are cached: two DIDs, at most one look-up per DID however many batches.
    looked_up = [
        a for call in appview.calls("GET", "/xrpc/app.bsky.actor.getProfiles") for a in call.query["actors"]
    ]
    assert sorted(looked_up) == ["did:plc:other", "did:plc:sampleauthor000000000003"]
    assert ConnectorHealth.objects.get(platform="bluesky").reconnects == 1


@pytest.mark.django_db
def test_a_batch_that_cannot_be_stored_leaves_the_cursor_where_it_was():
    save_cursor("bluesky", "jetstream_time_us", "100")
    mention = event_to_mention(fixture(QUOTE))
    buffer = BatchBuffer("bluesky", source="s" * 60)  # too long for the column: the insert fails
    buffer.add([mention], jetstream_time_us="200")
    with pytest.raises(DatabaseError):
        buffer.flush()
    assert get_cursor("bluesky", "jetstream_time_us") == "100"
    assert not MentionBatch.objects.exists()


def test_reply_carries_root_and_parent_refs_and_a_mention_facet():
    parent_uri = "at://did:plc:kate/app.bsky.feed.post/3kparent"
    parent_record = fixture("bluesky/post_record_reply.json")  # itself a reply in a thread
    sessions = iter(["jwt-1", "jwt-2"])
    with PlatformAPI() as pds:
        pds.always(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            lambda seen: Answer(
                200, {"accessJwt": next(sessions), "did": "did:plc:brand", "handle": "northline"}
            ),
        )
        pds.always(
            "GET",
            "/xrpc/app.bsky.feed.getPosts",
            Answer(
                200,
                {
                    "posts": [
                        {
                            "uri": parent_uri,
                            "cid": "bafyparent",
                            "author": {"did": "did:plc:kate", "handle": "kate.bsky.social"},
                            "record": parent_record,
                        }
                    ]
                },
            ),
        )
        pds.then(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            Answer(400, {"error": "ExpiredToken", "message": "Token has expired"}),
            Answer(429, {"error": "RateLimitExceeded", "message": "slow down"}, {"Retry-After": "0"}),
            Answer(200, {"uri": "at://did:plc:brand/app.bsky.feed.post/3kreply", "cid": "bafyreply"}),
        )
        connector = BlueskyConnector(
            handle="northline.bsky.social", app_password="app-pw", service_url=pds.url
        )
        reply_uri = connector.reply(
            in_reply_to=parent_uri,
            author_handle="kate.bsky.social",
            text="Sorry, updates: https://hub.example.org/",
        )
    assert reply_uri == "at://did:plc:brand/app.bsky.feed.post/3kreply"
    login = pds.calls("POST", "/xrpc/com.atproto.server.createSession")[0].json()
    assert login == {"identifier": "northline.bsky.social", "password": "app-pw"}
    expired, limited, created = pds.calls("POST", "/xrpc/com.atproto.repo.createRecord")
    assert expired.headers["authorization"] == "Bearer jwt-1"
    assert created.headers["authorization"] == "Bearer jwt-2"
    assert limited.json()["rkey"] == created.json()["rkey"]  # the retry cannot post twice
    body = created.json()
    assert (body["repo"], body["collection"]) == ("did:plc:brand", "app.bsky.feed.post")
    record = body["record"]
    assert record["text"] == "@kate.bsky.social Sorry, updates: https://hub.example.org/"
    assert record["reply"] == {
        "root": parent_record["reply"]["root"],
        "parent": {"uri": parent_uri, "cid": "bafyparent"},
    }
    assert record["facets"][0] == {
        "index": {"byteStart": 0, "byteEnd": 17},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:kate"}],
    }
    assert record["facets"][1]["features"][0]["uri"] == "https://hub.example.org/"


@pytest.mark.django_db
def test_a_large_flush_is_split_into_batches_and_the_cursor_covers_them_all():
    template = event_to_mention(fixture(QUOTE))
    buffer = BatchBuffer("bluesky", source="bluesky:jetstream")
    buffer.add([{**template, "external_id": f"at://x/{i}"} for i in range(1200)], jetstream_time_us="999")
    assert buffer.flush() == 1200
    assert sorted(MentionBatch.objects.values_list("item_count", flat=True)) == [200, 500, 500]
    assert get_cursor("bluesky", "jetstream_time_us") == "999"
