import json
import time

import pytest
from django.core.management import call_command

from social.connectors import get_connector
from social.cursors import get_cursor
from social.models import ConnectorHealth
from tests.platform_server import Answer
from tests.platforms import fixture
from triage.inbound.x_stream import poll_once, run_stream
from triage.models import MentionBatch

STREAM = "/2/tweets/search/stream"
SEARCH = "/2/tweets/search/recent"


def stream_body(*events) -> bytes:
    # X separates events with \r\n and sends blank keep-alive lines between them.
    return b"\r\n".join([json.dumps(e).encode() for e in events] + [b"", b""])


@pytest.mark.django_db
def test_stream_drop_reconnects_with_backoff_and_backfills_since_the_last_id(platform):
    event = fixture("x/v2_filtered_stream_event_quickstart.json")
    reset = str(int(time.time()) + 30)
    platform.script(
        "GET",
        STREAM,
        Answer(200, stream_body(event)),  # one post, then X closes the connection
        Answer(429, fixture("x/error_429_v2_observed.json"), {"x-rate-limit-reset": reset}),
        Answer(503, {"title": "Service Unavailable"}),
    )
    backfill = fixture("x/v2_tweet_reply_with_expansions.json") | {
        "meta": {"newest_id": "1296887316556980230"}
    }
    # Each connection first backfills since the newest id seen: nothing yet, then the missed post.
    platform.script("GET", SEARCH, Answer(200, {"meta": {"result_count": 0}}), Answer(200, backfill))
    sleeps = []
    total = run_stream(get_connector("x"), query="@northlinerail", max_reconnects=2, sleep=sleeps.append)
    assert total == 2
    assert [b.source for b in MentionBatch.objects.order_by("pk")] == ["stream:x", "poll:x"]
    first, second = platform.calls("GET", SEARCH)[:2]
    assert "since_id" not in first.query
    assert second.query["since_id"] == "1234567890"  # the last post the stream gave
    assert 0 <= sleeps[0] <= 2  # a plain drop: short backoff with jitter
    assert 25 <= sleeps[1] <= 32  # the 429: wait for x-rate-limit-reset
    health = ConnectorHealth.objects.get(platform="x")
    assert health.reconnects == 2 and health.rate_limited_until is not None
    assert get_cursor("x", "since_id") == "1296887316556980230"


@pytest.mark.django_db
def test_poll_keeps_since_id_between_passes(platform):
    page = fixture("x/v2_tweet_reply_with_expansions.json") | {"meta": {"newest_id": "1296887316556980230"}}
    platform.script("GET", SEARCH, Answer(200, page), Answer(200, {"meta": {"result_count": 0}}))
    assert poll_once(get_connector("x"), "@northlinerail") == 1
    assert poll_once(get_connector("x"), "@northlinerail") == 0
    first, second = platform.calls("GET", SEARCH)
    assert "since_id" not in first.query and second.query["since_id"] == "1296887316556980230"


@pytest.mark.django_db
def test_stream_command_polls_once_and_says_what_it_did(platform, capsys):
    call_command("stream_x", "--poll", "--query", "@northlinerail")
    assert "X recent search: 0 mentions accepted" in capsys.readouterr().out
