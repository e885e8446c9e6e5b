"""Anyone can call the webhooks. A forged, unsigned, garbled, replayed or oversize call is
answered, counted in a metric and logged a few times a minute, and writes no row: a flood
of them never becomes a flood of writes."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest

from core import metrics
from social.connectors import generic
from social.models import ConnectorHealth, SetAsideItem
from tests.platforms import fixture
from tests.triage.test_hostile_input import (
    GENERIC_SECRET,
    every_webhook,  # noqa: F401 - the fixture, shared with the hostile-input tests
    generic_post,
    meta_sign,
    x_post,
    x_sign,
)
from triage.models import Mention, MentionBatch

pytestmark = pytest.mark.django_db


def refused(platform: str, status: int) -> int:
    """The webhook_refused counter for one platform and status, as /metrics shows it."""
    text = metrics.exposition().decode()
    pattern = rf'crisiscenter_webhook_refused_total\{{platform="{platform}",status="{status}"\}} (\d+)'
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


def nothing_written() -> bool:
    return not (
        ConnectorHealth.objects.exists()
        or MentionBatch.objects.exists()
        or Mention.objects.exists()
        or SetAsideItem.objects.exists()
    )


def test_a_flood_of_forgeries_is_counted_logged_five_times_a_minute_and_writes_nothing(
    every_webhook,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.WARNING, logger="triage.inbound.webhooks")
    for name, row, body, send, sign in every_webhook:
        before = refused(row, 403)
        for i in range(12):
            assert send(body, sign(body + str(i).encode())).status_code == 403, name
        assert refused(row, 403) - before == 12, name
        lines = [r for r in caplog.records if r.getMessage().startswith(f"{row} webhook refused")]
        assert len(lines) == 5, name
    assert nothing_written()


@pytest.mark.parametrize(
    "header",
    ["sha256=", "sha256=%%%%", "md5=0123abcd", "t=abc,v1=", "t=1,v1=" + "0" * 5000, "\u00e9t\u00e9", "=,=,="],
)
def test_garbled_signature_headers_are_refused_never_a_500(every_webhook, header):  # noqa: F811
    for name, _row, body, send, _sign in every_webhook:
        assert send(body, header).status_code in (401, 403), name
    assert nothing_written()


def test_a_captured_delivery_sent_again_later_is_refused_and_writes_nothing(client, platform, monkeypatch):
    monkeypatch.setenv("GENERIC_WEBHOOK_SECRET", GENERIC_SECRET)
    two_days_ago = time.time() - 49 * 3600
    # X: genuine bytes and signature, events older than WEBHOOK_MAX_AGE_S.
    tweet = {**fixture("x/v1_tweet_object_reply.json"), "timestamp_ms": str(int(two_days_ago * 1000))}
    old_x = json.dumps({"for_user_id": "1", "tweet_create_events": [tweet]}).encode()
    response = x_post(client, old_x, x_sign(old_x))
    assert response.status_code == 400 and "stale" in response.json()["error"]
    # Meta: entries older than WEBHOOK_MAX_AGE_S.
    payload = fixture("meta/fb_page_feed_comment_add_captured.json")
    for entry in payload["entry"]:
        entry["time"] = int(two_days_ago)
    old_meta = json.dumps(payload).encode()
    response = client.post(
        "/webhooks/meta/",
        old_meta,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=meta_sign(old_meta),
    )
    assert response.status_code == 400 and "stale" in response.json()["error"]
    # Generic: a signature made six minutes ago.
    body = json.dumps([{"platform": "mastodon", "external_id": "g1"}]).encode()
    response = generic_post(client, body, generic.sign(body, GENERIC_SECRET, int(time.time()) - 360))
    assert response.status_code == 403
    assert nothing_written()


def test_webhooks_that_are_not_configured_answer_and_write_nothing(client, monkeypatch, settings):
    for name in ("X_CONSUMER_SECRET", "META_APP_SECRET", "GENERIC_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    before = refused("x", 503)
    for path in ("/webhooks/x/", "/webhooks/meta/", "/webhooks/generic/"):
        for _ in range(3):
            assert client.post(path, b"{}", content_type="application/json").status_code == 503, path
    assert refused("x", 503) - before == 3
    assert nothing_written()


def test_a_wrong_meta_verify_token_writes_nothing(client, platform):
    response = client.get(
        "/webhooks/meta/", {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert response.status_code == 403 and response.content != b"1"
    assert nothing_written()
