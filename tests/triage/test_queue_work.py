"""Working the queue as a team: tiers, idle claims, SLA breaches, spikes, tags, notes, bulk, replies."""

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from command import flows
from core import events
from core.roles import Role
from tests.conftest import api_for, forget_presence, make_user, mention_item
from tests.factories import ReplyTemplateFactory
from tests.triage.test_queue import load as load_ranked
from triage import alerts, consumers, delivery, presence, replies, services, tasks
from triage.consumers import TriageConsumer
from triage.models import Alert, AlertKind, Mention, MentionStatus, QueueSettings, Reply, ReplyTemplate
from triage.reasons import explained


def load(*items) -> list[Mention]:
    """The stored mentions in the order given (load_ranked gives them in queue order)."""
    stored = {m.external_id: m for m in load_ranked(*items)}
    return [stored[item["external_id"]] for item in items]


pytestmark = pytest.mark.django_db

REFUND = mention_item("refund", text="How do I get a refund?", author={"handle": "rita", "followers": 40})


def test_a_claim_left_idle_goes_back_to_the_queue(agent):
    first, second = load(mention_item("1"), mention_item("2"))
    services.claim(mention_id=first.pk, agent=agent)
    services.claim(mention_id=second.pk, agent=agent)
    Mention.objects.filter(pk=first.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert tasks.release_idle_claims() == 1
    first.refresh_from_db()
    assert first.status == MentionStatus.NEW and first.claimed_by is None
    assert Mention.objects.get(pk=second.pk).claimed_by == agent
    QueueSettings.objects.filter(pk=1).update(claim_idle_minutes=30)
    Mention.objects.filter(pk=second.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert tasks.release_idle_claims() == 0  # the admin gave them half an hour


def test_each_sla_breach_is_told_to_the_lead_once(agent):
    first, second, third = load(mention_item("1"), mention_item("2"), mention_item("3"))
    Mention.objects.filter(pk__in=[first.pk, second.pk]).update(
        sla_due_at=timezone.now() - timedelta(minutes=1)
    )
    services.reply(mention_id=second.pk, agent=agent, text="On it")  # answered: no longer a breach
    alert = alerts.alert_new_breaches()
    assert alert.kind == AlertKind.SLA_BREACH and alert.details["count"] == 1
    assert "1 mention passed their SLA" in alert.message
    assert alerts.alert_new_breaches() is None  # told once
    Mention.objects.filter(pk=third.pk).update(sla_due_at=timezone.now() - timedelta(seconds=5))
    assert alerts.alert_new_breaches().details["mention_ids"] == [third.pk]
    assert api_for(agent).get("/api/v1/queue/stats/").json()["breaches"] == 2


def test_a_sudden_rise_alerts_the_lead_before_the_switch_is_flipped():
    assert alerts.check_for_spike().alert is None
    load(*[mention_item(str(i), text="This is a disgrace, trains stuck, furious") for i in range(40)])
    check = alerts.check_for_spike()
    assert check.alert is not None and "40 mentions in 5 minutes" in check.alert.message
    assert check.alert.details["activate_url"] == "/playbooks/switch/"
    assert alerts.check_for_spike().alert is None  # one alert per rise
    assert Alert.objects.filter(kind=AlertKind.SPIKE).count() == 1


def test_alerts_are_listed_to_leads_and_agents_see_only_the_breach_count(agent, lead, client):
    (mention,) = load(mention_item("1"))
    Mention.objects.filter(pk=mention.pk).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    alert = alerts.alert_new_breaches()
    assert api_for(agent).get("/api/v1/alerts/").status_code == 403
    assert [a["id"] for a in api_for(lead).get("/api/v1/alerts/").json()] == [alert.pk]
    as_agent = api_for(agent).get("/api/v1/queue/stats/").json()
    assert as_agent["breaches"] == 1 and as_agent["alerts"] == []
    assert api_for(lead).get("/api/v1/queue/stats/").json()["alerts"][0]["id"] == alert.pk
    client.force_login(agent)
    assert alert.message not in client.get("/").content.decode()
    client.force_login(lead)
    assert alert.message in client.get("/").content.decode()


def test_volunteers_get_403_on_expert_work_and_agents_take_over_from_them(agent, other_agent, volunteer):
    refund, ack = load(REFUND, mention_item("ack", text="trains late again"))
    as_volunteer = api_for(volunteer)
    refused = as_volunteer.post(f"/api/v1/mentions/{refund.pk}/reply/", {"text": "Hi"}, format="json")
    assert refused.status_code == 403 and "experienced agent" in refused.json()["detail"]
    assert as_volunteer.post(f"/api/v1/mentions/{ack.pk}/claim/").status_code == 200
    assert as_volunteer.post(f"/api/v1/mentions/{ack.pk}/take-over/").status_code == 403
    taken = api_for(agent).post(f"/api/v1/mentions/{ack.pk}/take-over/")
    assert taken.status_code == 200 and taken.json()["claimed_by"] == agent.username
    # an experienced agent's claim is not taken over
    assert api_for(other_agent).post(f"/api/v1/mentions/{ack.pk}/take-over/").status_code == 409


def test_tags_notes_and_the_author_card(agent, other_agent):
    QueueSettings.objects.update_or_create(
        pk=1, defaults={"crm_url_pattern": "https://crm.example/search?q={handle}"}
    )
    parent, earlier, mention = load(
        mention_item(
            "p", text="Trains are stopped at Kingsbridge", author={"handle": "kbtimes", "followers": 9}
        ),
        mention_item("e", text="refund??", author={"handle": "kate", "followers": 10}),
        mention_item("m", text="still stuck", in_reply_to="p", author={"handle": "kate", "followers": 10}),
    )
    client = api_for(agent)
    tagged = client.post(
        f"/api/v1/mentions/{mention.pk}/tags/", {"add": ["Press", "late  night"]}, format="json"
    )
    assert tagged.json()["tags"] == ["late night", "press"]
    assert (
        client.post(f"/api/v1/mentions/{mention.pk}/tags/", {"add": ["x" * 41]}, format="json").status_code
        == 400
    )
    assert [m["id"] for m in client.get("/api/v1/mentions/?tag=press").json()["results"]] == [mention.pk]
    note = api_for(other_agent).post(
        f"/api/v1/mentions/{mention.pk}/notes/", {"body": "Called her"}, format="json"
    )
    assert note.status_code == 201
    assert (
        client.post(f"/api/v1/mentions/{mention.pk}/notes/", {"body": " "}, format="json").status_code == 400
    )
    context = client.get(f"/api/v1/mentions/{mention.pk}/context/").json()
    assert context["crm_url"] == "https://crm.example/search?q=kate"
    assert [e["id"] for e in context["author"]["earlier"]] == [earlier.pk]
    assert context["in_reply_to"]["id"] == parent.pk
    assert context["notes"][0] == {
        **context["notes"][0],
        "author": other_agent.username,
        "body": "Called her",
    }


def test_bulk_resolve_skips_what_someone_else_holds(agent, other_agent):
    first, second, third = load(mention_item("1"), mention_item("2"), mention_item("3"))
    services.claim(mention_id=second.pk, agent=other_agent)
    done = api_for(agent).post(
        "/api/v1/mentions/bulk/", {"ids": [first.pk, second.pk, third.pk], "action": "resolve"}, format="json"
    )
    assert done.json() == {"done": 2, "skipped": {str(second.pk): "someone else is working on it"}}
    assert Mention.objects.get(pk=second.pk).status == MentionStatus.CLAIMED
    bad = api_for(agent).post("/api/v1/mentions/bulk/", {"ids": [], "action": "resolve"}, format="json")
    assert bad.status_code == 400 and "ids" in bad.json()["detail"]


def test_bulk_assign_never_hands_expert_work_to_a_volunteer(agent, volunteer):
    refund, ack = load(REFUND, mention_item("ack", text="trains late again"))
    result = api_for(agent).post(
        "/api/v1/mentions/bulk/",
        {"ids": [refund.pk, ack.pk], "action": "assign", "assignee": volunteer.username},
        format="json",
    )
    assert result.json() == {
        "done": 1,
        "skipped": {str(refund.pk): "this mention needs an experienced agent"},
    }
    assert Mention.objects.get(pk=ack.pk).claimed_by == volunteer
    refused = api_for(volunteer).post(
        "/api/v1/mentions/bulk/", {"ids": [refund.pk], "action": "assign", "assignee": "x"}, format="json"
    )
    assert refused.status_code == 403


def sorry_template(**extra) -> ReplyTemplate:
    return ReplyTemplateFactory(
        name="Sorry",
        body="Hi {name}, we're sorry. Updates: {hub_link}\n---\nSorry {name}, what we know: {faq:delays}",
        **extra,
    )


def test_drafts_fill_the_fields_and_rotate_the_least_used_variant(agent, settings):
    settings.PUBLIC_BASE_URL = "https://northline.example"
    template = sorry_template()
    (mention,) = load(
        mention_item("1", lang="fr", author={"handle": "kate", "name": "Kate Bell", "followers": 3})
    )
    client = api_for(agent)
    first = client.get(f"/api/v1/mentions/{mention.pk}/draft/?template={template.pk}").json()
    assert first["text"] == "Hi Kate, we're sorry. Updates: https://northline.example/hub/fr/"
    assert (first["variant"], first["variants"], first["warning"]) == (0, 2, "")
    client.post(
        f"/api/v1/mentions/{mention.pk}/reply/",
        {"text": first["text"], "template": template.pk, "variant": 0},
        format="json",
    )
    second = client.get(f"/api/v1/mentions/{mention.pk}/draft/?template={template.pk}").json()
    assert second["variant"] == 1 and second["text"].endswith("https://northline.example/hub/fr/#delays")


def test_the_same_variant_sent_too_often_warns(agent):
    QueueSettings.objects.update_or_create(pk=1, defaults={"repeat_warning_per_hour": 2})
    template = sorry_template()
    (mention,) = load(mention_item("1"))
    for _ in range(3):
        Reply.objects.create(
            mention=mention, text="x", template=template, variant=0, created_at=timezone.now()
        )
    draft = replies.draft(template=template, mention=mention, variant=0)
    assert draft.sent_last_hour == 3 and "went out 3 times in the last hour" in draft.warning


def test_broadcast_replies_to_a_cluster_personalised_in_one_call(
    agent, other_agent, settings, django_capture_on_commit_callbacks
):
    template = sorry_template()
    items = [
        mention_item(
            str(i),
            text=f"When will trains run again to Alder Vale? {i}",
            author={"handle": f"p{i}", "name": name, "followers": 5},
        )
        for i, name in enumerate(["Ana Ruiz", "Ben Okafor", "Chloé Martin", "Dev Patel"])
    ]
    mentions = load(*items, mention_item("other", text="Lovely staff at Kingsbridge today, thank you"))
    cluster = api_for(agent).get(f"/api/v1/mentions/{mentions[0].pk}/similar/").json()["ids"]
    by_ext = {m.pk: m.external_id for m in mentions}
    assert sorted(by_ext[i] for i in cluster) == ["0", "1", "2", "3"]
    services.claim(mention_id=cluster[-1], agent=other_agent)
    with django_capture_on_commit_callbacks() as callbacks:
        result = api_for(agent).post(
            "/api/v1/broadcast/", {"ids": cluster, "template": template.pk}, format="json"
        )
    assert len(callbacks) == 2  # one queue delta and one sending task for the whole batch
    delivery.send_replies_task(list(Reply.objects.values_list("pk", flat=True)))  # what the worker runs
    assert result.status_code == 202
    assert result.json() == {"replies": 3, "skipped": {str(cluster[-1]): "someone else is working on it"}}
    sent = Reply.objects.filter(template=template).select_related("mention")
    assert {r.status for r in sent} == {"sent"}
    assert all(
        r.text.startswith(
            (f"Hi {r.mention.author_name.split()[0]},", f"Sorry {r.mention.author_name.split()[0]},")
        )
        for r in sent
    )
    assert {r.variant for r in sent} == {0, 1}  # variants rotate across the batch


def test_capacity_panel_figures_come_with_the_queue_stats(agent):
    first, _ = load(mention_item("1"), mention_item("2"))
    services.resolve(mention_id=first.pk, agent=agent)
    stats = api_for(agent).get("/api/v1/queue/stats/").json()
    assert stats["unanswered"] == 1
    assert stats["capacity"]["backlog"] == 1 and stats["capacity"]["out_per_min"] == 0.1


def test_quotes_and_the_active_scenarios_keywords_are_scored_at_ingest(agent, lead, scenario, integration):
    scenario.topic_keywords = {"compensation": ["goodwill voucher"]}
    scenario.save()
    flows.activate(scenario=scenario, by=lead, drill=True)
    (mention,) = load(mention_item("q", text="Where is my goodwill voucher?", quotes=12))
    reasons = [item["reason"] for item in explained(mention.breakdown)]
    assert mention.quotes == 12 and "12 quotes" in reasons
    assert mention.topic == "compensation" and "scenario keyword “goodwill voucher”" in reasons
    bad = api_for(integration).post("/api/v1/mentions/", [mention_item("z", quotes=-1)], format="json")
    assert bad.status_code == 400 and "quotes" in str(bad.json())
    refused = api_for(agent).post("/api/v1/mentions/", [mention_item("y")], format="json")
    assert refused.status_code == 403  # staff never write mentions themselves


def test_an_agent_whose_socket_died_without_closing_drops_out_of_presence():
    forget_presence()
    assert presence.joined("ade", "chan-1")
    assert not presence.joined("ade", "chan-2")  # two tabs: one agent, announced once
    presence.joined("ghost", "chan-3", now=time.time() - presence.STALE_SECONDS - 1)
    assert presence.online() == ["ade"] and presence.online_count() == 1
    assert presence.prune() == ["ghost"]  # a live process tells the pages the ghost is gone
    assert not presence.left("ade", "chan-1")
    assert presence.online() == ["ade"]
    assert presence.left("ade", "chan-2")
    assert presence.online() == []


def test_a_presence_delta_states_each_agent_as_of_its_number():
    forget_presence()
    presence.joined("ade", "chan-1")
    presence.joined("bo", "chan-2")
    first_seq, joined, left = presence.states({"ade", "bo"})
    assert (joined, left) == (["ade", "bo"], [])
    presence.left("bo", "chan-2")
    seq, joined, left = presence.states({"bo", "cy"})
    assert seq == first_seq + 1 and (joined, left) == ([], ["bo", "cy"])
    assert presence.snapshot() == (seq, ["ade"])


@pytest.mark.django_db(transaction=True)
def test_a_page_closed_while_an_event_is_on_its_way_still_signs_off(monkeypatch):
    """The browser closes the queue as an event is being forwarded to it. The server refuses
    that send with an OSError (uvicorn: ClientDisconnected), websocket.disconnect already
    queued; the consumer must still sign the agent off and tell the other pages."""
    # A name no other test uses: a page another test left open on the live server may still be
    # refreshing the shared agent's presence while this one runs.
    agent = make_user(f"closer_{uuid.uuid4().hex[:6]}", Role.AGENT)

    forget_presence()
    told = []
    send_delta = events.send_presence_delta
    monkeypatch.setattr(
        events, "send_presence_delta", lambda *delta: (told.append(delta), send_delta(*delta))
    )

    async def open_then_close() -> list[dict]:
        inbox: asyncio.Queue = asyncio.Queue()
        delivered: list[dict] = []

        async def server_send(message):
            if len(delivered) == 2:  # the accept and the snapshot got through; then the close
                inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
                raise OSError("the client has disconnected")
            delivered.append(message)

        inbox.put_nowait({"type": "websocket.connect"})
        scope = {"type": "websocket", "path": "/ws/triage/", "headers": [], "user": agent}
        try:
            await asyncio.wait_for(TriageConsumer.as_asgi()(scope, inbox.get, server_send), timeout=10)
            await asyncio.sleep(consumers.PRESENCE_FLUSH_SECONDS + 0.5)  # the batch goes out
        finally:
            await sync_to_async(connections.close_all)()  # the consumer's thread, or the test db lingers
        return delivered

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: the browser tests keep one running here
        accept, snapshot = thread.submit(asyncio.run, open_then_close()).result()
    assert accept["type"] == "websocket.accept" and '"queue.snapshot"' in snapshot["text"]
    assert agent.username not in presence.online()
    # Opened and closed within one batch: the other pages get one delta, saying he is gone.
    ((_seq, joined, left),) = told
    assert agent.username in left and agent.username not in joined


@pytest.mark.django_db(transaction=True)
def test_a_queue_consumer_that_fails_still_signs_off(monkeypatch):
    """Any error inside the consumer ends it (the server closes with 1011), but the agent is
    signed off first: the other pages must not show them online for the next 90 s."""
    # A name no other test uses: a page another test left open on the live server may still be
    # refreshing the shared agent's presence while this one runs.
    agent = make_user(f"closer_{uuid.uuid4().hex[:6]}", Role.AGENT)

    forget_presence()

    async def open_then_fail() -> None:
        inbox: asyncio.Queue = asyncio.Queue()
        sent: list[dict] = []

        async def server_send(message):
            if len(sent) == 2:  # after the accept and the snapshot
                raise RuntimeError("a handler failed")
            sent.append(message)

        inbox.put_nowait({"type": "websocket.connect"})
        scope = {"type": "websocket", "path": "/ws/triage/", "headers": [], "user": agent}
        try:
            await asyncio.wait_for(TriageConsumer.as_asgi()(scope, inbox.get, server_send), timeout=10)
        finally:
            await sync_to_async(connections.close_all)()

    with ThreadPoolExecutor(1) as thread, pytest.raises(RuntimeError, match="a handler failed"):
        thread.submit(asyncio.run, open_then_fail()).result()
    assert agent.username not in presence.online()
