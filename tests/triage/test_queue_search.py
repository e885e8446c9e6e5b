"""Search over the whole open queue (not only the 200 rows a page has loaded), with the page's filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import api_for
from triage.models import Band, Mention, MentionStatus


def _open(n: int, *, text: str = "Trains?", handle: str = "", band=Band.P3, **kw) -> Mention:
    at = timezone.now() - timedelta(minutes=n)
    return Mention.objects.create(
        platform="x",
        external_id=f"s{n}",
        text=text,
        created_at=at,
        author_handle=handle or f"rider{n}",
        author_followers=10,
        score=90 - n % 50,
        band=band,
        topic="schedule",
        ingested_at=at,
        sla_due_at=at + timedelta(minutes=15),
        queue_key=at,
        **kw,
    )


@pytest.fixture
def long_queue(db):
    Mention.objects.bulk_create(
        [
            Mention(
                platform="x",
                external_id=f"bulk{n}",
                text=f"Any news on my train? ({n})",
                created_at=timezone.now(),
                author_handle=f"commuter{n}",
                author_followers=5,
                score=80,
                band=Band.P2,
                topic="schedule",
                ingested_at=timezone.now(),
                sla_due_at=timezone.now() + timedelta(minutes=15),
                queue_key=timezone.now() - timedelta(hours=1),  # all ranked above the ones below
            )
            for n in range(260)
        ]
    )
    low = _open(1, text="Smoke in carriage 4 near Kingsbridge", handle="janedoe", band=Band.P4)
    closed = _open(2, text="Smoke earlier, all fine now", handle="janedoe2", status=MentionStatus.RESOLVED)
    return low, closed


def _search(user, query: str) -> dict:
    response = api_for(user).get(f"/api/v1/mentions/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_search_finds_a_low_ranked_mention_past_the_first_200(long_queue, agent):
    low, _closed = long_queue
    found = _search(agent, "q=smoke&limit=200")
    assert [m["id"] for m in found["results"]] == [low.pk]  # the resolved one is not in the open queue


@pytest.mark.django_db
def test_at_handle_searches_handles_and_plain_words_search_both(long_queue, agent):
    low, _ = long_queue
    assert [m["id"] for m in _search(agent, "q=%40janedoe")["results"]] == [low.pk]
    assert [m["id"] for m in _search(agent, "q=JaneDoe")["results"]] == [low.pk]
    assert _search(agent, "q=%40kingsbridge")["count"] == 0  # a word of the text is not a handle


@pytest.mark.django_db
def test_search_keeps_the_band_filter_of_the_page(long_queue, agent):
    low, _ = long_queue
    assert _search(agent, "q=smoke&band=1,2")["count"] == 0
    assert [m["id"] for m in _search(agent, "q=smoke&band=2,4")["results"]] == [low.pk]
    trains = _search(agent, "q=train&band=2&limit=200")
    assert trains["count"] == 260 and len(trains["results"]) == 200  # a page is at most 200


@pytest.mark.django_db
def test_bad_search_parameters_answer_400_with_the_cause(agent):
    for query, words in (("band=urgent", "band must be"), ("band=7", "band must be"), ("q=a%00b", "NUL")):
        response = api_for(agent).get(f"/api/v1/mentions/?{query}")
        assert response.status_code == 400 and words in response.json()["detail"], query


@pytest.mark.django_db
def test_search_needs_a_staff_role(outsider):
    assert api_for(outsider).get("/api/v1/mentions/?q=smoke").status_code == 403
