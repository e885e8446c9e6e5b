"""Payloads that are not what the platform documents: skipped, logged and counted, the rest kept."""

import copy

import pytest
from django.core.cache import cache

from social.connectors.bluesky import BlueskyConnector
from social.connectors.mastodon import normalise as mastodon_normalise
from social.connectors.reddit import normalise as reddit_normalise
from social.cursors import get_cursor
from social.models import ConnectorHealth
from tests.connector_helpers import fixture
from triage.inbound.bluesky_stream import JetstreamBatch
from triage.inbound.streams import BatchBuffer

pytestmark = pytest.mark.django_db


def errors(platform: str) -> tuple[int, str]:
    row = ConnectorHealth.objects.get(platform=platform)
    return row.errors_total, row.last_error


def test_mastodon_status_without_an_id_is_skipped_and_counted():
    good = fixture("mastodon/status_entity_doc_example.json")
    broken = copy.deepcopy(good)
    del broken["id"]
    assert [m["external_id"] for m in mastodon_normalise([broken, good])] == ["103270115826048975"]
    count, reason = errors("mastodon")
    assert count == 1 and "KeyError" in reason


def test_reddit_child_without_a_date_is_skipped_and_counted():
    listing = fixture("reddit/info_comment_listing_praw_cassette.json")
    broken = copy.deepcopy(listing["data"]["children"][0])
    del broken["data"]["created_utc"]
    broken["data"]["name"] = "t1_broken"
    listing["data"]["children"].insert(0, broken)
    assert [m["external_id"] for m in reddit_normalise(listing)] == ["t1_fjbr7ul"]
    assert errors("reddit")[0] == 1


def test_jetstream_post_without_a_record_key_is_skipped_and_the_cursor_still_moves():
    cache.clear()
    good = fixture("bluesky/jetstream_commit_create_post_quote_captured.json")
    good["commit"]["record"]["text"] = "Northline, is my train running?"
    broken = copy.deepcopy(good)
    del broken["commit"]["rkey"]
    broken["time_us"] += 1
    cache.set(f"bsky:profile:{good['did']}", {"did": good["did"], "handle": "kate.bsky.social"}, 60)
    connector = BlueskyConnector(handle="northline.bsky.social", app_password="-", keywords=["northline"])
    buffer = BatchBuffer("bluesky", source="bluesky:jetstream")
    batch = JetstreamBatch(connector, buffer)
    for event in (good, broken, {"kind": "commit", "commit": "not an object", "time_us": 5}):
        batch.add(event)
    assert batch.flush() == 1
    assert errors("bluesky")[0] == 2  # the post without a key, the commit that is not an object
    assert get_cursor("bluesky", "jetstream_time_us") == str(broken["time_us"])
