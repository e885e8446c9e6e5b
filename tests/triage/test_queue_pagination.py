"""The mention list counts a capped number of rows, so the agent's top 50 stays fast on a big queue."""

from datetime import timedelta

import pytest

from tests.conftest import api_for
from tests.triage.test_reports import T0, _mention
from triage.api.mentions import QueuePagination


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
