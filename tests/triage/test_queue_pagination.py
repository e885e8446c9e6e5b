"""The mention list counts a capped number of rows, so the agent's top 50 stays fast on a big queue."""

import json
from datetime import timedelta

import pytest

from tests.conftest import api_for
from tests.triage.test_reports import T0, _mention
from triage.api.mentions import QueuePagination
from triage.models import Mention, Tag
from triage.selectors import mention_payload, with_tag_names


@pytest.mark.django_db
def test_mention_list_counts_exactly_up_to_the_cap_and_says_when_it_stopped(agent, monkeypatch):
    monkeypatch.setattr(QueuePagination, "COUNT_CAP", 3)
    for n in range(8):
        _mention(n, T0 + timedelta(minutes=n), tier="first_line")
    client = api_for(agent)
    page = client.get("/api/v1/mentions/", {"limit": 2}).json()
    assert (page["count"], page["count_capped"], len(page["results"])) == (5, True, 2)
    assert page["next"] is not None
    last = client.get("/api/v1/mentions/", {"limit": 2, "offset": 6}).json()
    assert (last["count"], last["count_capped"], len(last["results"]), last["next"]) == (8, False, 2, None)


@pytest.mark.django_db
def test_the_list_shows_each_mention_as_the_live_queue_does_holder_and_tags_included(agent, other_agent):
    """The list is read as rows (no Model instances); its payloads are the websocket's."""
    breakdown = [{"factor": "reach", "points": 12, "code": "reach.followers", "params": {"followers": 4800}}]
    first = _mention(1, T0, breakdown=breakdown, lang="es", author_verified=True)
    # Times with and without a fraction of a second: the list writes them as the live queue does,
    # since the page orders the queue by comparing these strings.
    _mention(
        2,
        T0 + timedelta(minutes=1, microseconds=250),
        status="claimed",
        claimed_by=other_agent,
        text="列车什么时候恢复？ متى تعود القطارات؟",
        author_name="محمد",
    )
    first.tags.add(Tag.objects.create(name="refund"), Tag.objects.create(name="delay"))
    page = api_for(agent).get("/api/v1/mentions/").json()
    expected = [mention_payload(m) for m in with_tag_names(Mention.objects.order_by("queue_key"))]
    assert page["results"] == json.loads(json.dumps(expected))
    assert page["results"][0]["tags"] == ["delay", "refund"] and page["results"][1]["tags"] == []
    assert page["results"][1]["claimed_by"] == other_agent.username
    assert page["results"][1]["queue_key"].endswith(":00.000250+00:00")
    assert page["results"][0]["queue_key"].endswith(":00+00:00")
    assert page["results"][0]["breakdown"][0]["reason"] == "4,800 followers"
    assert (page["count"], page["count_capped"], page["next"]) == (2, False, None)


@pytest.mark.django_db
def test_a_page_and_its_count_are_one_statement(agent, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(QueuePagination, "COUNT_CAP", 1)
    for n in range(5):
        _mention(n, T0 + timedelta(minutes=n))
    client = api_for(agent)
    client.get("/api/v1/mentions/")
    # The caller with their roles and roster entry (how far their tier reaches); the page with
    # its count.
    with django_assert_num_queries(2):
        page = client.get("/api/v1/mentions/", {"limit": 2}).json()
    assert (page["count"], page["count_capped"], len(page["results"])) == (3, True, 2)
    with django_assert_num_queries(2):
        last = client.get("/api/v1/mentions/", {"limit": 2, "offset": 4}).json()
    assert (last["count"], last["count_capped"], len(last["results"]), last["next"]) == (5, False, 1, None)
    with django_assert_num_queries(3):  # past the end no row carries the count: it has its own
        empty = client.get("/api/v1/mentions/", {"offset": 10}).json()
    assert (empty["count"], empty["results"], empty["previous"] is not None) == (5, [], True)
