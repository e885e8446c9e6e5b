"""Tiers, one rule on every path: a volunteer (or an outside team) never reads nor works an
expert item, its notes or its replies, nor uses an expert template (triage.tiers)."""

import json

import pytest
from django.test import Client

from core import events
from core.roles import Role
from tests.conftest import api_for, make_user, mention_item
from tests.factories import ReplyTemplateFactory, RosterEntryFactory
from tests.triage.test_queue_work import REFUND, load
from triage import replies, services, snapshots, teamwork, tiers
from triage.delivery import reply_status_event
from triage.models import Mention, MentionStatus, Note, Reply, Tier

pytestmark = pytest.mark.django_db

RITA = {"handle": "rita", "followers": 4}
ACK = mention_item("ack", text="trains late again", author={"handle": "rita", "followers": 40})


@pytest.fixture
def expert_and_first_line():
    refund, ack = load(REFUND, ACK)
    assert (refund.tier, ack.tier) == (Tier.EXPERT, Tier.FIRST_LINE)
    return refund, ack


@pytest.fixture
def outside_agent(db):
    user = make_user("lisbon_agent", Role.AGENT)
    RosterEntryFactory(user=user, team="Care", outside_team="Lisbon contact centre")
    return user


def expert_template():
    return ReplyTemplateFactory(name="Refunds", tier=Tier.EXPERT, body="Hi {name}, your refund: {hub_link}")


def first_line_template():
    return ReplyTemplateFactory(name="Sorry", tier=Tier.FIRST_LINE, body="Sorry {name}: {hub_link}")


# --- the rule itself -------------------------------------------------------------------------
def test_reach_is_everything_for_agents_and_leads_first_line_for_volunteers_and_outside_teams(
    agent, lead, volunteer, outside_agent, outsider, integration
):
    assert [tiers.reach(u) for u in (agent, lead, volunteer, outside_agent, outsider, integration)] == [
        "all",
        "all",
        "first_line",
        "first_line",
        "none",
        "none",
    ]


# --- services and the API's single-mention actions --------------------------------------------
@pytest.mark.parametrize("action", ["claim", "release", "resolve", "dismiss"])
def test_a_volunteer_cannot_act_on_an_expert_mention(action, volunteer, expert_and_first_line):
    refund, _ = expert_and_first_line
    answer = api_for(volunteer).post(f"/api/v1/mentions/{refund.pk}/{action}/")
    assert answer.status_code == 403 and "experienced agent" in answer.json()["detail"]
    assert Mention.objects.get(pk=refund.pk).status == MentionStatus.NEW


@pytest.mark.parametrize("verb", [services.resolve, services.dismiss, services.claim])
def test_the_services_refuse_an_outside_team_on_expert_work(verb, outside_agent, expert_and_first_line):
    refund, ack = expert_and_first_line
    with pytest.raises(tiers.OutsideTier):
        verb(mention_id=refund.pk, agent=outside_agent)
    verb(mention_id=ack.pk, agent=outside_agent)  # first line is theirs
    assert Mention.objects.get(pk=refund.pk).status == MentionStatus.NEW


def test_a_volunteer_cannot_reply_with_an_expert_template_even_on_a_first_line_item(
    volunteer, expert_and_first_line
):
    _, ack = expert_and_first_line
    template = expert_template()
    answer = api_for(volunteer).post(
        f"/api/v1/mentions/{ack.pk}/reply/", {"text": "Hi", "template": template.pk}, format="json"
    )
    assert answer.status_code == 403 and "experienced agents" in answer.json()["detail"]
    assert not Reply.objects.exists()
    ok = api_for(volunteer).post(
        f"/api/v1/mentions/{ack.pk}/reply/",
        {"text": "Sorry", "template": first_line_template().pk},
        format="json",
    )
    assert ok.status_code == 200


# --- bulk -------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["resolve", "dismiss"])
def test_bulk_close_by_a_volunteer_skips_every_expert_item(action, volunteer, expert_and_first_line):
    refund, ack = expert_and_first_line
    extra = load(*[mention_item(f"r{i}", text="refund please, how do I get my money back") for i in range(3)])
    experts = [m.pk for m in extra if m.tier == Tier.EXPERT] + [refund.pk]
    answer = api_for(volunteer).post(
        "/api/v1/mentions/bulk/", {"ids": [*experts, ack.pk], "action": action}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["done"] == 1
    assert set(answer.json()["skipped"]) == {str(pk) for pk in experts}
    assert set(Mention.objects.filter(pk__in=experts).values_list("status", flat=True)) == {MentionStatus.NEW}


def test_bulk_tags_and_assignments_by_a_volunteer_leave_expert_items_alone(volunteer, expert_and_first_line):
    refund, ack = expert_and_first_line
    assert teamwork.tag(mention_ids=[refund.pk, ack.pk], agent=volunteer, add=["late"]) == 1
    assert not Mention.objects.get(pk=refund.pk).tags.exists()
    refused = api_for(volunteer).post(
        "/api/v1/mentions/bulk/",
        {"ids": [refund.pk], "action": "assign", "assignee": "ade_agent"},
        format="json",
    )
    assert refused.status_code == 403


def test_a_broadcast_by_a_volunteer_skips_expert_items_and_refuses_expert_templates(
    volunteer, expert_and_first_line
):
    refund, ack = expert_and_first_line
    result = replies.broadcast(
        mention_ids=[refund.pk, ack.pk], agent=volunteer, template=first_line_template()
    )
    assert len(result.replies) == 1 and list(result.skipped) == [refund.pk]
    answer = api_for(volunteer).post(
        "/api/v1/broadcast/", {"ids": [ack.pk], "template": expert_template().pk}, format="json"
    )
    assert answer.status_code == 403


# --- reading ---------------------------------------------------------------------------------
def test_lists_and_searches_show_a_volunteer_first_line_items_only(volunteer, agent, expert_and_first_line):
    refund, ack = expert_and_first_line
    services.resolve(mention_id=refund.pk, agent=agent)
    client = api_for(volunteer)
    for query in ("", "?status=resolved", "?tier=expert", "?q=refund", "?q=@rita"):
        ids = {m["id"] for m in client.get(f"/api/v1/mentions/{query}").json()["results"]}
        assert refund.pk not in ids, query
    assert {m["id"] for m in client.get("/api/v1/mentions/").json()["results"]} == {ack.pk}
    assert {m["id"] for m in api_for(agent).get("/api/v1/mentions/?status=resolved").json()["results"]} == {
        refund.pk
    }


@pytest.mark.parametrize(
    "path",
    ["", "context/", "similar/", "draft/?template={template}"],
)
def test_a_volunteer_cannot_read_an_expert_item(path, volunteer, agent, expert_and_first_line):
    refund, _ = expert_and_first_line
    teamwork.add_note(mention_id=refund.pk, agent=agent, body="Refund approved, case 4411")
    url = f"/api/v1/mentions/{refund.pk}/{path.format(template=first_line_template().pk)}"
    answer = api_for(volunteer).get(url)
    assert answer.status_code == 403
    assert "case 4411" not in answer.content.decode() and "refund" not in answer.content.decode().lower()
    assert api_for(agent).get(url).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"), [("notes/", {"body": "x"}), ("tags/", {"add": ["x"]}), ("take-over/", None)]
)
def test_a_volunteer_cannot_write_on_an_expert_item(path, body, volunteer, expert_and_first_line):
    refund, _ = expert_and_first_line
    answer = api_for(volunteer).post(f"/api/v1/mentions/{refund.pk}/{path}", body, format="json")
    assert answer.status_code == 403
    assert not Note.objects.exists() and not Mention.objects.get(pk=refund.pk).tags.exists()


def test_the_author_card_of_a_first_line_item_hides_the_authors_expert_mentions(volunteer, agent):
    parent, refund, ack = load(
        mention_item(
            "p", text="How do I get a refund for my ticket?", author={"handle": "rita", "followers": 4}
        ),
        REFUND,
        mention_item(
            "ack", text="trains late again", in_reply_to="p", author={"handle": "rita", "followers": 4}
        ),
    )
    assert (parent.tier, refund.tier, ack.tier) == (Tier.EXPERT, Tier.EXPERT, Tier.FIRST_LINE)
    seen = api_for(volunteer).get(f"/api/v1/mentions/{ack.pk}/context/").json()
    assert seen["author"] == {"earlier_count": 0, "earlier": []}
    assert seen["in_reply_to"] == {"external_id": "p"}
    full = api_for(agent).get(f"/api/v1/mentions/{ack.pk}/context/").json()
    assert full["author"]["earlier_count"] == 2 and full["in_reply_to"]["id"] == parent.pk


def test_templates_offered_to_a_volunteer_are_first_line_only(volunteer, agent):
    expert, first = expert_template(), first_line_template()
    listed = {t["id"] for t in api_for(volunteer).get("/api/v1/templates/").json()}
    assert listed == {first.pk}
    assert {t["id"] for t in api_for(agent).get("/api/v1/templates/").json()} == {expert.pk, first.pk}
    client = Client()
    client.force_login(volunteer)
    page = client.get("/triage/").content.decode()
    assert "Sorry" in page and "Refunds" not in page


def test_reports_never_quote_an_expert_item_to_a_volunteer(volunteer, agent, expert_and_first_line):
    refund, ack = expert_and_first_line
    body = api_for(volunteer).get("/api/v1/reports/").json()
    assert [m["id"] for m in body["top_mentions"]] == [ack.pk]
    assert body["total"] == 2  # counted, not quoted
    client = Client()
    client.force_login(volunteer)
    csv = client.get("/triage/reports/top_mentions.csv").content.decode()
    assert "trains late again" in csv and "refund" not in csv.lower()
    assert "How do I get a refund?" not in client.get("/triage/reports/").content.decode()
    assert {m["id"] for m in api_for(agent).get("/api/v1/reports/").json()["top_mentions"]} == {
        refund.pk,
        ack.pk,
    }


# --- the websocket feed -----------------------------------------------------------------------
def test_the_first_line_snapshot_holds_first_line_items_only(expert_and_first_line):
    refund, ack = expert_and_first_line
    narrow = json.loads(snapshots.snapshot_json("first_line"))
    full = json.loads(snapshots.snapshot_json("all"))
    assert [m["id"] for m in narrow["mentions"]] == [ack.pk]
    assert {m["id"] for m in full["mentions"]} == {refund.pk, ack.pk}
    assert narrow["seq"] == full["seq"]
    # Its counts are of the same items the page is sent and updated about.
    assert (narrow["stats"]["unanswered"], full["stats"]["unanswered"]) == (1, 2)


def test_a_volunteers_queue_figures_count_the_items_they_can_work(volunteer, agent, expert_and_first_line):
    figures = api_for(volunteer).get("/api/v1/queue/stats/").json()
    assert (figures["unanswered"], figures["in_per_min"]) == (1, 0.1)
    assert api_for(agent).get("/api/v1/queue/stats/").json()["unanswered"] == 2


def test_a_change_to_an_expert_item_reaches_the_first_line_feed_without_it(
    agent, expert_and_first_line, monkeypatch, django_capture_on_commit_callbacks
):
    refund, _ack = expert_and_first_line
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(events, "_group_send", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(mention_id=refund.pk, agent=agent)
    by_group = {group: json.loads(event["json"]) for group, event in sent}
    assert [m["id"] for m in by_group[events.TRIAGE_FEED_GROUP]["mentions"]] == [refund.pk]
    narrow = by_group[events.FIRST_LINE_FEED_GROUP]
    assert narrow["mentions"] == [] and narrow["seq"] == by_group[events.TRIAGE_FEED_GROUP]["seq"]
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply_status_event(Reply.objects.create(mention=refund, text="x", created_at=refund.created_at))
    assert [group for group, _ in sent] == [events.TRIAGE_FEED_GROUP]
