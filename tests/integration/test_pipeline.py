"""Through the real parts: uvicorn, a Celery worker, Redis and channels_redis."""

import time

import pytest
from websockets.exceptions import InvalidStatus

from social.models import PauseState
from tests.conftest import mention_item, wait_for
from triage.models import BatchStatus, Mention, MentionBatch

from .conftest import http_post, open_socket, receive, receive_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def is_delta(kind):
    return lambda m: m["type"] == "queue.delta" and m["kind"] == kind


def test_mention_pushed_through_the_api_reaches_an_open_queue(live, agent, integration):
    with open_socket(live, "/ws/triage/", agent) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "queue.snapshot" and snapshot["mentions"] == []
        status, body = http_post(
            live, "/api/v1/mentions/", [mention_item("42", text="Is anyone hurt?")], integration
        )
        assert status == 202
        delta = receive_until(ws, is_delta("new"))
    assert delta["seq"] == snapshot["seq"] + 1
    (mention,) = delta["mentions"]
    assert mention["external_id"] == "42" and mention["band"] == 1 and mention["breakdown"]
    assert MentionBatch.objects.get(pk=body["batch"]).status == BatchStatus.DONE


def test_one_broadcast_per_batch_and_no_duplicates(live, agent, integration):
    items = [mention_item(str(i)) for i in range(50)]
    with open_socket(live, "/ws/triage/", agent) as ws:
        receive(ws)
        http_post(live, "/api/v1/mentions/", items, integration)
        delta = receive_until(ws, is_delta("new"))
        assert len(delta["mentions"]) == 50
        status, body = http_post(
            live, "/api/v1/mentions/", [*items[:10], mention_item("new-one")], integration
        )
        assert status == 202
        second = receive_until(ws, is_delta("new"))
    assert [m["external_id"] for m in second["mentions"]] == ["new-one"]
    assert Mention.objects.count() == 51
    batch = wait_for(lambda: MentionBatch.objects.filter(pk=body["batch"], status=BatchStatus.DONE).first())
    assert (batch.stored_count, batch.duplicate_count) == (1, 10)


def test_claims_reach_other_agents_and_resync_matches_the_database(live, agent, other_agent, integration):
    http_post(live, "/api/v1/mentions/", [mention_item("1"), mention_item("2")], integration)
    wait_for(lambda: Mention.objects.count() == 2, message="the worker to store the batch")
    target = Mention.objects.order_by("queue_key").first()
    with open_socket(live, "/ws/triage/", other_agent) as ws:
        snapshot = receive(ws)
        assert len(snapshot["mentions"]) == 2
        assert http_post(live, f"/api/v1/mentions/{target.pk}/claim/", None, agent)[0] == 200
        claimed = receive_until(ws, is_delta("claimed"))
        assert claimed["mentions"][0]["claimed_by"] == agent.username
        assert claimed["seq"] == snapshot["seq"] + 1
        status, body = http_post(live, f"/api/v1/mentions/{target.pk}/claim/", None, other_agent)
        assert status == 409 and agent.username in body["detail"]
        ws.send('{"type": "resync"}')
        fresh = receive_until(ws, lambda m: m["type"] == "queue.snapshot")
    assert fresh["seq"] >= claimed["seq"]
    by_id = {m["id"]: m for m in fresh["mentions"]}
    assert by_id[target.pk]["claimed_by"] == agent.username
    assert set(by_id) == set(Mention.objects.values_list("pk", flat=True))


def test_crisis_switch_reaches_every_open_dashboard(live, lead, agent, volunteer, scenario):
    with (
        open_socket(live, "/ws/state/", agent) as first,
        open_socket(live, "/ws/state/", volunteer) as second,
    ):
        assert receive(first)["state"]["mode"] == "normal"
        assert receive(second)["state"]["mode"] == "normal"
        started = time.monotonic()
        status, _ = http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
        assert status == 201
        for ws in (first, second):
            event = receive(ws, timeout=2)
            assert event["state"]["mode"] == "crisis" and event["state"]["title"] == scenario.hub_title
        assert time.monotonic() - started < 1.0


def test_sockets_refuse_anonymous_users_and_outsiders(live, outsider, integration):
    for path in ("/ws/triage/", "/ws/state/"):
        for user in (None, outsider, integration):
            with pytest.raises(InvalidStatus) as refused:
                open_socket(live, path, user)
            assert refused.value.response.status_code == 403


def test_platform_pauses_are_confirmed_by_the_worker(live, lead, scenario, outbound):
    http_post(live, "/api/v1/crisis/activate/", {"scenario": scenario.pk}, lead)
    wait_for(
        lambda: (
            set(outbound["campaigns"][0].__class__.objects.values_list("pause_state", flat=True))
            == {PauseState.PAUSED}
        ),
        message="every campaign paused on its platform",
    )
