"""API tokens: roles are read with the token on every call, and "next" claims in one statement."""

import pytest

from core.roles import Role
from tests.conftest import api_for, make_user, mention_item
from tests.factories import RosterEntryFactory, TagFactory
from tests.triage.test_queue import load
from triage.models import Mention, MentionStatus

pytestmark = pytest.mark.django_db


def test_a_role_taken_away_is_refused_on_the_very_next_call(agent):
    client = api_for(agent)
    assert client.get("/api/v1/mentions/").status_code == 200
    agent.groups.clear()
    refused = client.get("/api/v1/mentions/")
    assert refused.status_code == 403 and "role" in refused.json()["detail"]


def test_unknown_tokens_and_deactivated_accounts_get_401_with_the_reason(agent):
    client = api_for(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.get("/api/v1/mentions/").json() == {"detail": "User inactive or deleted."}
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    answer = client.get("/api/v1/mentions/")
    assert answer.status_code == 401 and answer.json() == {"detail": "Invalid token."}


def test_an_outside_team_agent_is_handed_first_line_work_only(agent):
    overseas = make_user("ola_overseas", Role.AGENT)
    RosterEntryFactory(user=overseas, team="Care", outside_team="Lisbon contact centre")
    load(
        mention_item("refund", text="How do I get a refund?", author={"handle": "a", "followers": 5000}),
        mention_item("ack", text="trains late again", author={"handle": "b", "followers": 10}),
    )
    assert api_for(overseas).post("/api/v1/queue/next/").json()["external_id"] == "ack"
    assert api_for(overseas).post("/api/v1/queue/next/").status_code == 204
    assert api_for(agent).post("/api/v1/queue/next/").json()["external_id"] == "refund"


def test_next_answers_with_the_mention_its_tags_and_holder_in_three_queries(
    agent, django_assert_max_num_queries
):
    (mention,) = load(mention_item("1"))
    mention.tags.add(TagFactory(name="refund"), TagFactory(name="delay"))
    client = api_for(agent)
    # One query reads the token, the user and their roles; one asks the roster whether they are on
    # an outside team (first-line work only); one statement claims and reads back.
    with django_assert_max_num_queries(3):
        answer = client.post("/api/v1/queue/next/")
    body = answer.json()
    assert body["id"] == mention.pk and body["claimed_by"] == agent.username
    assert body["tags"] == ["delay", "refund"] and body["status"] == MentionStatus.CLAIMED
    detail = client.get(f"/api/v1/mentions/{mention.pk}/").json()  # the same shape, breakdown and all
    assert body["breakdown"] and {k: v for k, v in body.items() if k != "tags"} == detail
    stored = Mention.objects.get(pk=mention.pk)
    assert stored.claimed_by == agent and stored.claimed_at is not None
