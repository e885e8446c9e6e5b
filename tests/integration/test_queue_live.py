"""The live queue through the real parts: uvicorn, a Celery worker, Redis and channels_redis."""

import contextlib
import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from websockets.exceptions import ConnectionClosed

from command.flows import activate
from core.events import next_queue_seq
from core.roles import Role
from hubpage.services import set_page_options
from tests.conftest import forget_presence, make_user, mention_item, wait_for
from triage import tasks
from triage.models import Alert, Mention, MentionStatus

from .conftest import http_post, open_socket, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def stored(live, integration, *items) -> list[Mention]:
    http_post(live, "/api/v1/mentions/", list(items), integration)
    wait_for(lambda: Mention.objects.count() >= len(items), message="the worker to store the batch")
    return list(Mention.objects.order_by("queue_key"))


def test_ten_agents_claiming_at_once_over_http_one_wins(live, integration):
    (mention,) = stored(live, integration, mention_item("1"))
    agents = [make_user(f"agent{i}", Role.AGENT) for i in range(10)]
    results, barrier = [], threading.Barrier(len(agents))

    def claim(user):
        barrier.wait()
        results.append(http_post(live, f"/api/v1/mentions/{mention.pk}/claim/", None, user)[0])

    threads = [threading.Thread(target=claim, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 9
    assert Mention.objects.get().claimed_by in agents


def test_an_sla_breach_alerts_the_lead_on_every_page_once(live, lead, agent, integration):
    first, _ = stored(live, integration, mention_item("1"), mention_item("2"))
    Mention.objects.filter(pk=first.pk).update(sla_due_at=timezone.now() - timedelta(minutes=2))
    with open_socket(live, "/ws/state/", lead) as state, open_socket(live, "/ws/triage/", agent) as queue:
        receive(state), receive(queue)
        tasks.alert_sla_breaches.delay()  # what beat does every 30 s, run by the real worker
        alert = receive_until(state, lambda m: m["type"] == "triage.alert")
        assert alert["kind"] == "sla_breach" and alert["details"]["mention_ids"] == [first.pk]
        nudge = receive_until(queue, lambda m: m["type"] == "triage.alert")
        assert nudge == {"type": "triage.alert", "id": alert["id"], "kind": "sla_breach", "quiet": True}
        tasks.alert_sla_breaches.delay()
        with pytest.raises(TimeoutError):  # told once: the second run finds nothing new
            receive_until(state, lambda m: m["type"] == "triage.alert", timeout=2)
    assert Alert.objects.count() == 1


def test_a_spike_reaches_the_leads_state_socket_and_not_an_agents(live, lead, agent, integration):
    angry = [mention_item(str(i), text="This is a disgrace, trains stuck, furious") for i in range(40)]
    stored(live, integration, *angry)
    with (
        open_socket(live, "/ws/state/", lead) as lead_state,
        open_socket(live, "/ws/state/", agent) as agent_state,
        open_socket(live, "/ws/triage/", agent) as agent_queue,
    ):
        receive(lead_state), receive(agent_state), receive(agent_queue)
        tasks.detect_spike.delay()  # what beat does every minute, run by the real worker
        alert = receive_until(lead_state, lambda m: m["type"] == "triage.alert")
        assert alert["kind"] == "spike" and "40 mentions in 5 minutes" in alert["message"]
        assert alert["details"]["activate_url"] == "/playbooks/switch/"
        for socket in (agent_state, agent_queue):
            with pytest.raises(TimeoutError):
                receive_until(socket, lambda m: m["type"] == "triage.alert", timeout=1.5)
    assert Alert.objects.filter(kind="spike").count() == 1


def test_a_missed_hub_update_reaches_the_lead_once_and_not_an_agent(live, lead, agent, scenario):
    crisis = activate(scenario=scenario, by=lead, drill=True).crisis
    set_page_options(crisis=crisis, next_update_at=timezone.now() - timedelta(minutes=5), keep_public=False)
    with (
        open_socket(live, "/ws/state/", lead) as lead_state,
        open_socket(live, "/ws/state/", agent) as agent_state,
    ):
        receive(lead_state), receive(agent_state)
        tasks.alert_missed_hub_update.delay()  # what beat does every minute, run by the real worker
        alert = receive_until(lead_state, lambda m: m["type"] == "triage.alert")
        assert alert["kind"] == "hub_overdue" and "promised an update by" in alert["message"]
        tasks.alert_missed_hub_update.delay()
        with pytest.raises(TimeoutError):  # once per promised time
            receive_until(lead_state, lambda m: m["type"] == "triage.alert", timeout=2)
        with pytest.raises(TimeoutError):
            receive_until(agent_state, lambda m: m["type"] == "triage.alert", timeout=0.5)
    assert Alert.objects.filter(kind="hub_overdue").count() == 1


def test_a_lead_whose_role_is_removed_gets_no_more_alerts_on_an_open_page(live, lead, integration):
    (mention,) = stored(live, integration, mention_item("1"))
    Mention.objects.filter(pk=mention.pk).update(sla_due_at=timezone.now() - timedelta(minutes=2))
    with open_socket(live, "/ws/state/", lead) as state:
        receive(state)
        lead.groups.clear()  # the page is closed (core.sessions); the next alert is no longer theirs
        tasks.alert_sla_breaches.delay()
        wait_for(lambda: Alert.objects.exists(), message="the worker to raise the breach alert")
        with pytest.raises((TimeoutError, ConnectionClosed)):
            receive_until(state, lambda m: m["type"] == "triage.alert", timeout=1.5)


def test_an_idle_claim_is_released_and_every_queue_sees_it(live, agent, other_agent, integration):
    (mention,) = stored(live, integration, mention_item("1"))
    assert http_post(live, f"/api/v1/mentions/{mention.pk}/claim/", None, agent)[0] == 200
    Mention.objects.filter(pk=mention.pk).update(claimed_at=timezone.now() - timedelta(minutes=30))
    with open_socket(live, "/ws/triage/", other_agent) as ws:
        receive(ws)
        tasks.release_idle_claims.delay()
        released = receive_until(ws, lambda m: m.get("kind") == "released")
    assert released["mentions"][0]["id"] == mention.pk and released["mentions"][0]["claimed_by"] is None
    assert Mention.objects.get().status == MentionStatus.NEW
    assert http_post(live, f"/api/v1/mentions/{mention.pk}/claim/", None, other_agent)[0] == 200


def test_a_client_that_sees_a_gap_resyncs_to_the_database(live, agent, other_agent, integration):
    first, second = stored(live, integration, mention_item("1"), mention_item("2"))
    with open_socket(live, "/ws/triage/", other_agent) as ws:
        snapshot = receive(ws)
        next_queue_seq()  # a delta lost on the way: its number is taken, nobody receives it
        http_post(live, f"/api/v1/mentions/{first.pk}/resolve/", None, agent)
        delta = receive_until(ws, lambda m: m.get("kind") == "resolved")
        assert delta["seq"] == snapshot["seq"] + 2  # the client sees the gap...
        ws.send(json.dumps({"type": "resync"}))  # ...and asks for the truth
        fresh = receive_until(ws, lambda m: m["type"] == "queue.snapshot")
    assert fresh["seq"] >= delta["seq"]
    open_ids = set(
        Mention.objects.filter(status__in=["new", "claimed", "replied"]).values_list("pk", flat=True)
    )
    assert {m["id"] for m in fresh["mentions"]} == open_ids == {second.pk}


def test_a_burst_reaches_the_page_in_few_frames_with_every_delta_in_order(live, agent, integration):
    with open_socket(live, "/ws/triage/", agent) as ws:
        snapshot = receive(ws)
        for n in range(20):
            http_post(live, "/api/v1/mentions/", [mention_item(f"{n}-{i}") for i in range(5)], integration)
        seqs, frames = [], 0
        while len(seqs) < 20:
            message = receive(ws)
            if message["type"] in ("queue.delta", "queue.deltas"):
                frames += 1
                seqs += [d["seq"] for d in message.get("deltas", [message])]
    assert sorted(seqs) == list(range(snapshot["seq"] + 1, snapshot["seq"] + 21))
    assert frames < 20  # coalesced: the page never gets one frame per batch under load


class Online:
    """Who a page shows online: the whole list, then the numbered deltas applied in order."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.seq: int | None = None

    def see(self, message: dict) -> set[str]:
        if message["type"] == "queue.presence":
            self.names, self.seq = {a["user"] for a in message["agents"]}, message["seq"]
        elif message["type"] == "queue.presence.delta" and self.seq is not None:
            assert message["seq"] == self.seq + 1, "one server: no gap"
            self.names = (self.names - set(message["left"])) | set(message["joined"])
            self.seq = message["seq"]
        return self.names


def test_presence_shows_who_has_the_queue_open(live):
    forget_presence()  # sockets of an earlier run's server linger for 90 s
    # Names no other test uses: a socket another test just closed may still be signing off.
    suffix = uuid.uuid4().hex[:6]
    agent = make_user(f"pres_agent_{suffix}", Role.AGENT)
    volunteer = make_user(f"pres_vol_{suffix}", Role.VOLUNTEER)

    # Pages other tests left open on this server may be online too: look for these two.
    shown = Online()
    with open_socket(live, "/ws/triage/", agent) as first:
        with open_socket(live, "/ws/triage/", volunteer) as second:
            receive_until(second, lambda m: m["type"] == "queue.presence")
            receive_until(first, lambda m: {agent.username, volunteer.username} <= shown.see(m))
        # The volunteer's page often closes while an event is still being forwarded to it:
        # its consumer must sign off all the same (core/sockets.py).
        receive_until(first, lambda m: volunteer.username not in shown.see(m))
    assert agent.username in shown.names


def test_a_crowd_opening_the_queue_is_announced_in_a_few_deltas(live):
    """Ten agents open the queue at once: the page already open gets a couple of presence
    messages naming them all, not one (whole) list per join."""
    forget_presence()
    suffix = uuid.uuid4().hex[:6]
    watcher = make_user(f"watch_{suffix}", Role.AGENT)
    crowd = [make_user(f"crowd{i}_{suffix}", Role.VOLUNTEER) for i in range(10)]
    with open_socket(live, "/ws/triage/", watcher) as page:
        shown = Online()
        receive_until(page, lambda m: watcher.username in shown.see(m) and m["type"].endswith("delta"))
        frames = []
        with contextlib.ExitStack() as stack:
            for user in crowd:
                stack.enter_context(open_socket(live, "/ws/triage/", user))
            receive_until(
                page,
                lambda m: (
                    (frames.append(m) if m["type"].startswith("queue.presence") else None)
                    or {u.username for u in crowd} <= shown.see(m)
                ),
            )
        assert 1 <= len(frames) <= 4
        assert all(set(f) == {"type", "seq", "joined", "left"} for f in frames)  # names, not lists
        receive_until(page, lambda m: not ({u.username for u in crowd} & shown.see(m)))
    assert shown.names >= {watcher.username}


def test_a_page_that_missed_a_presence_delta_resyncs_to_the_whole_list(live):
    forget_presence()
    suffix = uuid.uuid4().hex[:6]
    watcher, ann, ben = (make_user(f"{n}_{suffix}", Role.AGENT) for n in ("watch", "ann", "ben"))
    with open_socket(live, "/ws/triage/", watcher) as page:
        receive_until(page, lambda m: m["type"] == "queue.presence")
        receive_until(page, lambda m: watcher.username in m.get("joined", ()))  # its own join
        with open_socket(live, "/ws/triage/", ann):
            missed = receive_until(page, lambda m: ann.username in m.get("joined", ()))  # "lost"
            with open_socket(live, "/ws/triage/", ben):
                after = receive_until(page, lambda m: ben.username in m.get("joined", ()))
                assert after["seq"] > missed["seq"]  # a gap for a page that lost `missed`
                page.send(json.dumps({"type": "presence.resync"}))
                whole = receive_until(page, lambda m: m["type"] == "queue.presence")
    assert whole["seq"] >= after["seq"]
    assert {a["user"] for a in whole["agents"]} >= {watcher.username, ann.username, ben.username}


def test_a_reply_shows_sending_then_sent_on_every_open_queue(live, agent, other_agent, integration):
    (mention,) = stored(live, integration, mention_item("1"))
    with open_socket(live, "/ws/triage/", other_agent) as ws:
        receive(ws)
        status, body = http_post(
            live, f"/api/v1/mentions/{mention.pk}/reply/", {"text": "Sorry! {hub}"}, agent
        )
        assert status == 200 and body["status"] == "sending"
        replied = receive_until(ws, lambda m: m.get("kind") == "replied")
        assert replied["mentions"][0]["claimed_by"] == agent.username
        sent = receive_until(ws, lambda m: m["type"] == "reply.status")
    assert sent == {**sent, "reply": body["reply"], "mention": mention.pk, "status": "sent", "error": ""}
