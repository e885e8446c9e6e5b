import json

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.conftest import api_for, mention_item
from tests.factories import WatchedAuthorFactory
from triage import ingest, tasks
from triage.models import BatchStatus, Mention, MentionBatch

URL = "/api/v1/mentions/"
pytestmark = pytest.mark.django_db


def post(client, body, **kwargs):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **kwargs)


def test_accepted_batch_is_stored_raw_and_answers_202(integration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(api_for(integration), [mention_item("1"), mention_item("2")])
    assert response.status_code == 202
    batch = MentionBatch.objects.get(pk=response.json()["batch"])
    assert batch.item_count == 2 and batch.status == BatchStatus.PENDING
    assert len(callbacks) == 1  # the processing task is queued only after commit


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[{not json", "malformed JSON"),
        ({"platform": "x"}, "expected a JSON list"),
        ([], "the batch is empty"),
        ([mention_item("1", platform="myspace")], "unknown platform 'myspace'"),
        (
            [mention_item("1"), {**mention_item("2"), "author": {"handle": "x"}}],
            "item 1: author.followers is required",
        ),
        ([{k: v for k, v in mention_item("1").items() if k != "external_id"}], "external_id is required"),
        ([mention_item("1", created_at="yesterday")], "created_at is required as an ISO 8601"),
        ([mention_item("1", reshares=-3)], "reshares must be a whole number"),
        ([mention_item("1", url="javascript:alert(1)")], "url must be an http(s) URL"),
    ],
)
def test_bad_batches_get_a_400_naming_the_problem_and_store_nothing(integration, body, message):
    response = post(api_for(integration), body)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not MentionBatch.objects.exists()


@override_settings(INGEST_MAX_BATCH=3)
def test_too_many_mentions_in_one_batch(integration):
    response = post(api_for(integration), [mention_item(str(i)) for i in range(4)])
    assert response.status_code == 400
    assert "at most 3" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_oversized_body_is_refused(integration):
    response = post(api_for(integration), [mention_item(str(i), text="x" * 500) for i in range(5)])
    assert response.status_code == 400
    assert "at most 2000" in response.json()["detail"]
    assert not MentionBatch.objects.exists()


def test_only_integrations_and_staff_may_push(outsider, volunteer):
    assert post(api_for(None), [mention_item()]).status_code == 401
    assert post(api_for(outsider), [mention_item()]).status_code == 403
    assert post(api_for(volunteer), [mention_item()]).status_code == 403


def test_processing_scores_stores_and_drops_duplicates(integration):
    WatchedAuthorFactory(handle="janedoe", kind="journalist")
    first = ingest.accept_batch(
        [
            mention_item("1"),
            mention_item("2", text="Is anyone hurt?", author={"handle": "JaneDoe", "followers": 48000}),
            mention_item("2"),
        ],  # the same post twice in one batch
        submitted_by=integration,
    )
    result = ingest.process_batch(first.pk)
    assert (result.stored, result.duplicates) == (2, 1)
    jane = Mention.objects.get(external_id="2")
    assert jane.author_kind == "journalist" and jane.band == 1
    assert any(item["factor"] == "author" for item in jane.breakdown)

    again = ingest.accept_batch([mention_item("1"), mention_item("3")])
    result = ingest.process_batch(again.pk)
    assert (result.stored, result.duplicates) == (1, 1)
    assert Mention.objects.count() == 3


def test_platform_text_is_stored_exactly(integration):
    text = 'When is the next train?\n\tindented \\ back\\slash "quoted" \\N not null \u00e9 \U0001f686\r\nend'
    bio = "tab\there, newline\nthere"
    batch = ingest.accept_batch(
        [mention_item("1", text=text, author={"handle": "k", "name": "K\\N", "followers": 3, "bio": bio})]
    )
    ingest.process_batch(batch.pk)
    stored = Mention.objects.get()
    assert (stored.text, stored.author_bio, stored.author_name) == (text, bio, "K\\N")
    assert stored.url == "" and stored.claimed_by is None and stored.author_verified is False
    assert stored.breakdown and all("factor" in item for item in stored.breakdown)


def test_nul_characters_are_dropped_not_refused(integration):
    response = post(
        api_for(integration),
        [mention_item("1", text="bad\u0000byte", author={"handle": "a\u0000b", "followers": 1})],
    )
    assert response.status_code == 202
    ingest.process_batch(response.json()["batch"])
    stored = Mention.objects.get()
    assert (stored.text, stored.author_handle) == ("badbyte", "ab")


def test_processing_twice_does_nothing_the_second_time(integration):
    batch = ingest.accept_batch([mention_item("1")])
    assert ingest.process_batch(batch.pk) is not None
    assert ingest.process_batch(batch.pk) is None
    assert Mention.objects.count() == 1


def test_higher_score_ranks_first_and_waiting_raises_rank(integration):
    batch = ingest.accept_batch(
        [
            mention_item("low", text="ok", author={"handle": "a", "followers": 1}),
            mention_item("high", text="Is anyone hurt?", author={"handle": "b", "followers": 90000}),
        ]
    )
    ingest.process_batch(batch.pk)
    ranked = list(Mention.objects.order_by("queue_key").values_list("external_id", flat=True))
    assert ranked == ["high", "low"]
    low, high = Mention.objects.get(external_id="low"), Mention.objects.get(external_id="high")
    assert high.queue_key < low.queue_key
    # each score point is a minute's head start, so a mention that waits rises
    assert (low.ingested_at - low.queue_key).total_seconds() == low.score * 60


def test_mentions_list_filters_and_ranks(agent, integration):
    batch = ingest.accept_batch(
        [mention_item("1", platform="mastodon"), mention_item("2", text="Is anyone hurt?"), mention_item("3")]
    )
    ingest.process_batch(batch.pk)
    client = api_for(agent)
    everything = client.get(URL).json()
    assert everything["count"] == 3
    assert everything["results"][0]["external_id"] == "2"
    assert {m["external_id"] for m in client.get(URL, {"platform": "mastodon"}).json()["results"]} == {"1"}
    assert client.get(URL, {"topic": "safety"}).json()["count"] == 1
    assert api_for(None).get(URL).status_code == 401


def test_lost_batches_are_requeued(integration, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.process_batch_task, "delay", queued.append)
    lost = ingest.accept_batch([mention_item("1")])
    fresh = ingest.accept_batch([mention_item("2")])
    MentionBatch.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - timezone.timedelta(minutes=5))
    assert tasks.requeue_stale_batches() == 1
    assert queued == [lost.pk]
    assert fresh.pk not in queued
