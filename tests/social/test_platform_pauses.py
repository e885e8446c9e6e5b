"""Outbound pausing reaching the platforms (issue 3), against the local platform server."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from command import flows
from command import tasks as command_tasks
from playbooks import services as playbooks
from playbooks.models import AuditEntry, Crisis
from playbooks.selectors import crisis_mode_on
from social import services
from social.models import AdCampaign, ConnectorHealth, PauseState, PostStatus
from tests.factories import AdCampaignFactory, PlatformAccountFactory, ScheduledPostFactory
from tests.platform_server import Answer
from tests.platforms import fixture

CAMPAIGN_PATH = r"/v25\.0/\d+"


def meta_campaigns(count: int) -> list[AdCampaign]:
    account = PlatformAccountFactory(platform="facebook", handle="northlinerail")
    return [
        AdCampaignFactory(account=account, name=f"Autumn fares {i}", external_id=str(23840 + i))
        for i in range(count)
    ]


def pause_calls(platform, status="PAUSED"):
    return [c for c in platform.calls("POST", CAMPAIGN_PATH) if c.form().get("status") == status]


@pytest.mark.django_db
def test_a_platform_answering_429_then_200_ends_paused(platform, lead, scenario):
    [campaign] = meta_campaigns(1)
    platform.script(
        "POST", "/v25.0/23840", Answer(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 1, "failed": 0}
    campaign.refresh_from_db()
    assert campaign.pause_state == PauseState.PAUSED and campaign.pause_confirmed_at
    assert len(platform.calls("POST", "/v25.0/23840")) == 2
    assert ConnectorHealth.objects.get(platform="facebook").rate_limited_until is not None


@pytest.mark.django_db
def test_a_failing_platform_leaves_crisis_mode_on_with_the_failure_shown(platform, client, lead, scenario):
    meta_campaigns(2)
    expired = Answer(400, fixture("meta/graph_error_oauthexception_190_doc.json"))
    platform.script("POST", "/v25.0/23840", expired)
    platform.script("POST", "/v25.0/23841", *[Answer(503, {"error": {"message": "down"}})] * 4)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert command_tasks.pause_on_platforms(crisis.pk) == {"paused": 0, "failed": 2}
    assert crisis_mode_on()
    failed = dict(AdCampaign.objects.values_list("external_id", "pause_error"))
    assert "Message describing the error (code 190)" in failed["23840"]
    assert "down" in failed["23841"]
    assert len(platform.calls("POST", "/v25.0/23840")) == 1  # permanent: not retried
    assert len(platform.calls("POST", "/v25.0/23841")) == 4  # transient: bounded retries
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "Message describing the error (code 190)" in page and "pauses failed" in page
    assert "Retry failed" in page  # the lead retries from the overview
    entry = AuditEntry.objects.get(crisis=crisis, kind="platform_pause")
    assert entry.description == "On the platforms: 0 paused, 2 failed"


@pytest.mark.django_db
def test_retry_failed_retries_only_the_failures(platform, lead, scenario, django_capture_on_commit_callbacks):
    meta_campaigns(3)
    platform.script(
        "POST", "/v25.0/23841", Answer(400, fixture("meta/graph_error_oauthexception_190_doc.json"))
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.pause_campaigns_on_platforms(crisis_id=crisis.pk)
    assert len(pause_calls(platform)) == 3
    with django_capture_on_commit_callbacks() as queued:
        assert flows.retry_failed_pauses(crisis_id=crisis.pk) == 1
    assert len(queued) == 1
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 1, "failed": 0}
    assert [c.path for c in pause_calls(platform)][3:] == ["/v25.0/23841"]
    assert set(AdCampaign.objects.values_list("pause_state", flat=True)) == {PauseState.PAUSED}


@pytest.mark.django_db
def test_a_drill_never_calls_a_platform(platform, lead, scenario, django_capture_on_commit_callbacks):
    meta_campaigns(2)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    assert not any("pause" in getattr(c, "__qualname__", "") for c in queued)
    AdCampaign.objects.update(paused_for=crisis, pause_state=PauseState.PENDING)  # even if marked
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 0, "failed": 0}
    assert platform.requests == []


@pytest.mark.django_db(transaction=True)
def test_two_leads_activating_at_once_pause_each_item_once(platform, lead, scenario, monkeypatch):
    meta_campaigns(12)
    queued = []  # the pause task is run here, not by a worker another test may have started
    monkeypatch.setattr(flows, "queue_platform_pauses", queued.append)
    second_lead = type(lead).objects.create_user("lars_lead")
    barrier, crises = threading.Barrier(2), []

    def press(user):
        barrier.wait()
        crises.append(flows.activate(scenario=scenario, by=user).crisis.pk)
        connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (lead, second_lead)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(crises)) == 1 and Crisis.objects.count() == 1
    assert queued == crises[:1]  # one click queued the platform pauses, the other found the crisis on
    # Even if the pause task ran twice at once (a redelivered message), each item is called once.
    runs = [
        threading.Thread(
            target=lambda: (services.pause_campaigns_on_platforms(crisis_id=crises[0]), connection.close())
        )
        for _ in range(2)
    ]
    [t.start() for t in runs]
    [t.join() for t in runs]
    paths = [c.path for c in pause_calls(platform)]
    assert sorted(paths) == sorted({f"/v25.0/{23840 + i}" for i in range(12)})
    assert set(AdCampaign.objects.values_list("pause_state", flat=True)) == {PauseState.PAUSED}


@pytest.mark.django_db
def test_pauses_run_concurrently_not_one_by_one(platform, lead, scenario):
    platform.delay = 0.25
    meta_campaigns(40)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    started = time.monotonic()
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk)["paused"] == 40
    assert time.monotonic() - started < 5.0  # one by one: 10 s; concurrently about 0.5 s
    assert platform.most_in_flight >= 8


@pytest.mark.django_db
def test_native_scheduled_posts_are_paused_through_their_connector(platform, lead, scenario):
    soon = timezone.now() + timedelta(hours=2)
    x = PlatformAccountFactory(platform="x", handle="northlinerail")
    masto = PlatformAccountFactory(platform="mastodon", handle="northline@rail.social")
    ours = ScheduledPostFactory(account=x, text="Autumn timetable", scheduled_for=soon)
    on_x = ScheduledPostFactory(account=x, text="Fares", scheduled_for=soon, native=True, external_id="9")
    on_masto = ScheduledPostFactory(
        account=masto, text="Fares", scheduled_for=soon, native=True, external_id="103"
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert services.pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 1, "failed": 1}
    ours.refresh_from_db(), on_x.refresh_from_db(), on_masto.refresh_from_db()
    assert ours.status == PostStatus.HELD and ours.pause_state == PauseState.NONE
    assert on_masto.pause_state == PauseState.PAUSED  # the demo connector stands in for Mastodon here
    assert on_x.pause_state == PauseState.FAILED and "X has no pause" in on_x.pause_error
    assert services.publish_due_posts() == 0


@pytest.mark.django_db
def test_resuming_calls_resume_on_the_platform_for_what_was_paused_there(
    platform, lead, scenario, django_capture_on_commit_callbacks
):
    meta_campaigns(3)
    platform.script(
        "POST", "/v25.0/23842", Answer(400, fixture("meta/graph_error_oauthexception_190_doc.json"))
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.pause_campaigns_on_platforms(crisis_id=crisis.pk)
    flows.deactivate(by=lead)
    with django_capture_on_commit_callbacks() as queued:
        resumed = flows.resume_outbound(crisis=crisis, by=lead)
    assert resumed.campaigns == 3 and len(queued) == 1
    assert command_tasks.resume_on_platforms(crisis.pk) == {"resumed": 2, "failed": 0}
    assert sorted(c.path for c in pause_calls(platform, "ACTIVE")) == ["/v25.0/23840", "/v25.0/23841"]
    states = dict(AdCampaign.objects.values_list("external_id", "pause_state"))
    assert states == {"23840": PauseState.RESUMED, "23841": PauseState.RESUMED, "23842": PauseState.NONE}
    assert AuditEntry.objects.filter(
        crisis=crisis, description="On the platforms: 2 resumed, 0 failed"
    ).exists()


@pytest.mark.django_db
def test_checklist_hears_when_no_pause_is_left_pending(platform, lead, scenario, monkeypatch):
    meta_campaigns(2)
    ticked = []
    monkeypatch.setattr(playbooks, "complete_automated", lambda **kw: ticked.append(kw), raising=False)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    command_tasks.pause_on_platforms(crisis.pk)
    assert ticked == [{"crisis_id": crisis.pk, "action": "pause_ads"}]
