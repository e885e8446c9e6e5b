import threading

import pytest
from django.db import connection
from django.utils import timezone

from command import flows
from playbooks import services
from playbooks.models import AuditEntry, AuditKind, Crisis, OrganisationState, Phase
from social.models import AdCampaign, PauseState, PostStatus, ScheduledPost
from social.services import pause_campaigns_on_platforms, publish_due_posts
from tests.conftest import api_for


@pytest.mark.django_db
def test_activation_holds_outbound_opens_checklist_and_audits(lead, scenario, outbound):
    result = flows.activate(scenario=scenario, by=lead)
    crisis = result.crisis
    assert result.created and (result.posts_held, result.campaigns_paused) == (5, 3)
    assert OrganisationState.objects.get(pk=1).active_crisis == crisis
    assert set(ScheduledPost.objects.values_list("status", flat=True)) == {PostStatus.HELD}
    assert set(AdCampaign.objects.values_list("pause_state", flat=True)) == {PauseState.PENDING}
    assert [t.title for t in crisis.tasks.all()] == ["Hold posts", "Publish hub", "Review statement"]
    assert crisis.tasks.get(title="Hold posts").due_at == crisis.activated_at + __import__(
        "datetime"
    ).timedelta(minutes=5)
    assert crisis.hub_published_at is not None
    assert AuditEntry.objects.filter(crisis=crisis, kind="activated", actor=lead).exists()


@pytest.mark.django_db
def test_second_activation_returns_same_crisis(lead, scenario, outbound):
    first = flows.activate(scenario=scenario, by=lead)
    second = flows.activate(scenario=scenario, by=lead, drill=True)
    assert second.crisis == first.crisis and not second.created
    assert Crisis.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_leads_activating_at_once_give_one_crisis(lead, scenario, outbound, monkeypatch):
    results, barrier = [], threading.Barrier(4)
    # Platform pauses are not this test's subject (tests/social/test_platform_pauses.py): a worker
    # started by another test would still be pausing while this test's data is flushed.
    monkeypatch.setattr(flows, "queue_platform_pauses", lambda crisis_id: None)

    def flip():
        barrier.wait()
        try:
            results.append(flows.activate(scenario=scenario, by=lead))
        finally:
            connection.close()

    threads = [threading.Thread(target=flip) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Crisis.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert {r.crisis.pk for r in results} == {Crisis.objects.get().pk}
    assert AuditEntry.objects.filter(kind="activated").count() == 1


@pytest.mark.django_db
def test_drill_touches_nothing_outside(lead, scenario, outbound, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = flows.activate(scenario=scenario, by=lead, drill=True)
    assert result.crisis.is_drill and result.posts_held == 5  # counted for the drill report
    assert set(ScheduledPost.objects.values_list("status", flat=True)) == {PostStatus.SCHEDULED}
    assert set(AdCampaign.objects.values_list("pause_state", flat=True)) == {""}
    queued = [getattr(c, "__qualname__", "") for c in callbacks]
    assert not any("pause_campaigns" in q for q in queued)


@pytest.mark.django_db
def test_ending_a_crisis_deletes_nothing(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    ended = flows.deactivate(by=lead)
    assert ended == crisis
    crisis.refresh_from_db()
    assert crisis.phase == Phase.CLOSED and crisis.ended_by == lead
    assert OrganisationState.objects.get(pk=1).active_crisis is None
    assert crisis.tasks.count() == 3 and AuditEntry.objects.filter(crisis=crisis).count() >= 4
    assert ScheduledPost.objects.filter(status=PostStatus.HELD, held_by=crisis).count() == 5
    assert flows.deactivate(by=lead) is None


@pytest.mark.django_db
def test_publisher_never_posts_during_a_crisis(lead, scenario, outbound):
    ScheduledPost.objects.update(scheduled_for=timezone.now() - timezone.timedelta(minutes=1))
    flows.activate(scenario=scenario, by=lead)
    ScheduledPost.objects.update(status=PostStatus.SCHEDULED)  # even a post that slipped through
    assert publish_due_posts() == 0
    assert not ScheduledPost.objects.filter(status=PostStatus.PUBLISHED).exists()
    flows.deactivate(by=lead)
    assert publish_due_posts() == 5


@pytest.mark.django_db
def test_pausing_on_platforms_records_each_result(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert pause_campaigns_on_platforms(crisis_id=crisis.pk) == {"paused": 3, "failed": 0}
    assert set(AdCampaign.objects.values_list("pause_state", flat=True)) == {PauseState.PAUSED}


@pytest.mark.django_db
def test_api_switch_is_for_comms_leads_only(lead, agent, scenario):
    assert api_for(agent).post("/api/v1/crisis/activate/", {"scenario": scenario.pk}).status_code == 403
    assert api_for(None).post("/api/v1/crisis/activate/", {"scenario": scenario.pk}).status_code == 401
    client = api_for(lead)
    created = client.post("/api/v1/crisis/activate/", {"scenario": scenario.pk, "drill": True})
    assert created.status_code == 201 and created.json()["mode"] == "drill"
    again = client.post("/api/v1/crisis/activate/", {"scenario": scenario.pk, "drill": True})
    assert again.status_code == 200 and again.json()["crisis_id"] == created.json()["crisis_id"]
    assert api_for(agent).get("/api/v1/crisis/").json()["active"] is True
    assert api_for(agent).get("/api/v1/scenarios/").json()[0]["name"] == "Rail signal failure"
    bad = client.post("/api/v1/crisis/activate/", {"scenario": 9999})
    assert bad.status_code == 400 and "scenario" in bad.json()
    assert client.post("/api/v1/crisis/deactivate/").json()["active"] is False


@pytest.mark.django_db
def test_checklist_ticks_are_audited(lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    task = crisis.tasks.first()
    services.set_task_done(task_id=task.pk, by=lead, done=True)
    task.refresh_from_db()
    assert task.done_by == lead
    assert AuditEntry.objects.filter(kind="task_done", crisis=crisis).count() == 1


@pytest.mark.django_db
def test_an_ended_crisis_checklist_cannot_be_ticked(lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    task = crisis.tasks.first()
    flows.deactivate(by=lead)
    with pytest.raises(services.NotInActiveCrisis):
        services.set_task_done(task_id=task.pk, by=lead, done=True)
    task.refresh_from_db()
    assert task.done_at is None


@pytest.mark.django_db
def test_a_real_activation_ends_a_running_drill_and_holds_outbound(lead, scenario, outbound):
    drill = flows.activate(scenario=scenario, by=lead, drill=True)
    assert ScheduledPost.objects.filter(status=PostStatus.HELD).count() == 0

    real = flows.activate(scenario=scenario, by=lead)

    assert real.created and not real.crisis.is_drill and real.ended_drill == drill.crisis
    drill.crisis.refresh_from_db()
    assert drill.crisis.phase == Phase.CLOSED and drill.crisis.ended_by == lead
    assert ScheduledPost.objects.filter(status=PostStatus.HELD).count() == real.posts_held > 0
    ended = AuditEntry.objects.get(crisis=drill.crisis, kind=AuditKind.DEACTIVATED)
    assert ended.details["reason"] == "real_activation" and "real activation" in ended.description


@pytest.mark.django_db
def test_the_drill_report_says_a_real_activation_ended_the_drill(client, lead, scenario):
    drill = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    client.force_login(lead)
    assert (
        "Ended by a real activation"
        not in client.get(f"/playbooks/crises/{drill.pk}/report/").content.decode()
    )

    real = flows.activate(scenario=scenario, by=lead).crisis

    page = client.get(f"/playbooks/crises/{drill.pk}/report/").content.decode()
    assert "Ended by a real activation" in page
    assert f'href="/playbooks/crises/{real.pk}/"' in page
