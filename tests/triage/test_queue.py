import threading

import pytest
from django.db import connection

from tests.conftest import api_for, mention_item, store_items
from triage import services
from triage.delivery import send_reply
from triage.models import Mention, MentionStatus, Reply


def load(*items) -> list[Mention]:
    store_items(list(items))
    return list(Mention.objects.order_by("queue_key"))


@pytest.mark.django_db
def test_claim_is_yours_and_others_get_409(agent, other_agent):
    (mention,) = load(mention_item("1"))
    claimed = api_for(agent).post(f"/api/v1/mentions/{mention.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == agent.username
    assert api_for(agent).post(f"/api/v1/mentions/{mention.pk}/claim/").status_code == 200  # idempotent
    refused = api_for(other_agent).post(f"/api/v1/mentions/{mention.pk}/claim/")
    assert refused.status_code == 409 and agent.username in refused.json()["detail"]
    assert api_for(other_agent).post(f"/api/v1/mentions/{mention.pk}/resolve/").status_code == 409
    assert api_for(agent).post("/api/v1/mentions/999999/claim/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_agents_never_hold_the_same_mention(agent, other_agent):
    (mention,) = load(mention_item("1"))
    outcomes, barrier = [], threading.Barrier(2)

    def grab(user):
        barrier.wait()
        try:
            services.claim(mention_id=mention.pk, agent=user)
            outcomes.append(("won", user.username))
        except services.ClaimedByOther:
            outcomes.append(("refused", user.username))
        finally:
            connection.close()

    threads = [threading.Thread(target=grab, args=(u,)) for u in (agent, other_agent)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[0] for o in outcomes) == ["refused", "won"]
    winner = next(name for outcome, name in outcomes if outcome == "won")
    assert Mention.objects.get().claimed_by.username == winner


@pytest.mark.django_db(transaction=True)
def test_next_hands_each_agent_a_different_mention(agent, other_agent, volunteer):
    load(*[mention_item(str(i)) for i in range(6)])
    claimed, barrier = [], threading.Barrier(3)

    def take(user):
        barrier.wait()
        try:
            for _ in range(2):
                claimed.append(services.next_for(agent=user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in (agent, other_agent, volunteer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == len(set(claimed)) == 6
    assert services.next_for(agent=agent) is None


@pytest.mark.django_db
def test_next_gives_the_top_mention_and_volunteers_only_first_line(agent, volunteer):
    load(
        mention_item("refund", text="How do I get a refund?", author={"handle": "a", "followers": 5000}),
        mention_item("ack", text="trains late again", author={"handle": "b", "followers": 10}),
    )
    assert api_for(volunteer).post("/api/v1/queue/next/").json()["external_id"] == "ack"
    assert api_for(volunteer).post("/api/v1/queue/next/").status_code == 204
    refund = Mention.objects.get(external_id="refund")
    assert api_for(volunteer).post(f"/api/v1/mentions/{refund.pk}/claim/").status_code == 403
    assert api_for(agent).post("/api/v1/queue/next/").json()["external_id"] == "refund"


@pytest.mark.django_db
def test_reply_release_and_resolve(agent):
    first, second = load(mention_item("1"), mention_item("2"))
    client = api_for(agent)
    assert (
        client.post(f"/api/v1/mentions/{first.pk}/reply/", {"text": "  "}, format="json").status_code == 400
    )
    replied = client.post(
        f"/api/v1/mentions/{first.pk}/reply/", {"text": "Sorry! Updates: link"}, format="json"
    )
    assert replied.status_code == 200
    send_reply(replied.json()["reply"])  # what the worker's task does
    reply = Reply.objects.get(mention=first)
    assert reply.status == "sent" and reply.external_id.startswith("demo-")  # sent by the demo connector
    assert Mention.objects.get(pk=first.pk).status == MentionStatus.REPLIED
    assert client.post(f"/api/v1/mentions/{first.pk}/resolve/").json()["status"] == "resolved"

    client.post(f"/api/v1/mentions/{second.pk}/claim/")
    released = client.post(f"/api/v1/mentions/{second.pk}/release/").json()
    assert released["status"] == "new" and released["claimed_by"] is None
    assert client.post(f"/api/v1/mentions/{second.pk}/dismiss/").json()["status"] == "dismissed"
    assert client.get("/api/v1/mentions/").json()["count"] == 0


@pytest.mark.django_db
def test_queue_actions_need_a_staff_role(outsider, integration):
    (mention,) = load(mention_item("1"))
    assert api_for(outsider).post(f"/api/v1/mentions/{mention.pk}/claim/").status_code == 403
    assert api_for(integration).post(f"/api/v1/mentions/{mention.pk}/claim/").status_code == 403
    assert api_for(None).post("/api/v1/queue/next/").status_code == 401
