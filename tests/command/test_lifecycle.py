"""Phases, aftermath, closing, the resume review list and automated checklist items."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from command import flows
from playbooks import services
from playbooks.models import (
    AuditEntry,
    AutomatedAction,
    ChecklistItem,
    Crisis,
    Department,
    Phase,
    PhaseChange,
)
from playbooks.selectors import active_crisis
from social.models import AdCampaign, CampaignStatus, PostStatus, ScheduledPost
from social.services import publish_due_posts
from tests.conftest import api_for
from tests.factories import ChecklistItemFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_phases_move_in_order_with_who_and_when(lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.advance_phase(crisis_id=crisis.pk, to=Phase.AFTERMATH, by=lead)
    services.advance_phase(crisis_id=crisis.pk, to=Phase.CLOSED, by=lead)
    services.advance_phase(crisis_id=crisis.pk, to=Phase.REVIEWED, by=lead)
    changes = list(PhaseChange.objects.filter(crisis=crisis).values_list("from_phase", "to_phase", "by"))
    assert changes == [
        ("", "active", lead.pk),
        ("active", "aftermath", lead.pk),
        ("aftermath", "closed", lead.pk),
        ("closed", "reviewed", lead.pk),
    ]
    audit = AuditEntry.objects.filter(crisis=crisis, kind="phase").order_by("at", "id").first()
    assert audit.details["before"] == {"phase": "active"} and audit.details["after"] == {"phase": "aftermath"}
    crisis.refresh_from_db()
    assert crisis.phase == Phase.REVIEWED and crisis.ended_by == lead and crisis.ended_at is not None


@pytest.mark.parametrize(
    ("path", "to"), [([], Phase.REVIEWED), ([Phase.CLOSED], Phase.AFTERMATH), ([Phase.CLOSED], Phase.ACTIVE)]
)
def test_phases_cannot_skip_or_go_back(lead, scenario, path, to):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    for step in path:
        services.advance_phase(crisis_id=crisis.pk, to=step, by=lead)
    with pytest.raises(services.PhaseError, match="cannot move to"):
        services.advance_phase(crisis_id=crisis.pk, to=to, by=lead)


def test_aftermath_keeps_the_crisis_on_and_the_state_bar_says_so(lead, agent, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.advance_phase(crisis_id=crisis.pk, to=Phase.AFTERMATH, by=lead)
    assert active_crisis() == crisis
    page = logged_in(agent).get("/triage/").content.decode()
    assert "CRISIS · AFTERMATH · Disruption on the main line" in page
    # The publisher still stays silent, and nothing resumed by itself.
    assert publish_due_posts() == 0
    assert set(ScheduledPost.objects.values_list("status", flat=True)) == {PostStatus.HELD}
    assert api_for(agent).get("/api/v1/crisis/").json()["phase"] == "aftermath"


def test_ending_a_crisis_deletes_nothing(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.set_task_done(task_id=crisis.tasks.first().pk, by=lead, done=True)
    before = {
        "tasks": crisis.tasks.count(),
        "audit": AuditEntry.objects.filter(crisis=crisis).count(),
        "posts": ScheduledPost.objects.filter(held_by=crisis).count(),
        "campaigns": AdCampaign.objects.filter(paused_for=crisis).count(),
    }
    services.advance_phase(crisis_id=crisis.pk, to=Phase.AFTERMATH, by=lead)
    assert flows.deactivate(by=lead) == crisis
    services.advance_phase(crisis_id=crisis.pk, to=Phase.REVIEWED, by=lead)
    assert Crisis.objects.filter(pk=crisis.pk).exists()
    assert crisis.tasks.count() == before["tasks"]
    assert ScheduledPost.objects.filter(held_by=crisis, status=PostStatus.HELD).count() == before["posts"]
    assert (
        AdCampaign.objects.filter(paused_for=crisis, status=CampaignStatus.PAUSED).count()
        == before["campaigns"]
    )
    assert AuditEntry.objects.filter(crisis=crisis).count() > before["audit"]
    assert active_crisis() is None


def test_lead_resumes_some_discards_some_from_the_review_list(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    client = logged_in(lead)
    posts, campaigns = outbound["posts"], outbound["campaigns"]
    url = f"/playbooks/crises/{crisis.pk}/outbound/resume/"
    # While the crisis is active, nothing can be released.
    client.post(url, {"action": "resume_all"})
    assert ScheduledPost.objects.filter(status=PostStatus.HELD).count() == 5
    services.advance_phase(crisis_id=crisis.pk, to=Phase.AFTERMATH, by=lead)
    page = client.get(f"/playbooks/crises/{crisis.pk}/outbound/").content.decode()
    assert "Resume selected" in page and f'value="{posts[0].pk}"' in page
    client.post(url, {"action": "resume_selected", "post": [posts[0].pk], "campaign": [campaigns[0].pk]})
    client.post(url, {"action": "discard_selected", "post": [posts[1].pk, posts[2].pk]})
    statuses = dict(ScheduledPost.objects.values_list("pk", "status"))
    assert statuses[posts[0].pk] == PostStatus.SCHEDULED
    assert statuses[posts[1].pk] == statuses[posts[2].pk] == PostStatus.DISCARDED
    assert statuses[posts[3].pk] == PostStatus.HELD
    assert AdCampaign.objects.get(pk=campaigns[0].pk).status == CampaignStatus.ACTIVE
    assert AdCampaign.objects.get(pk=campaigns[1].pk).status == CampaignStatus.PAUSED
    client.post(url, {"action": "resume_all"})
    assert not ScheduledPost.objects.filter(status=PostStatus.HELD).exists()
    resumed = AuditEntry.objects.filter(crisis=crisis, kind="resumed").order_by("at", "id").first()
    assert resumed.actor == lead and resumed.details["after"]["posts"] == 1


def test_agents_cannot_change_phase_or_resume(agent, lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    client = logged_in(agent)
    assert client.post(f"/playbooks/crises/{crisis.pk}/phase/", {"to": "aftermath"}).status_code == 403
    assert (
        client.post(f"/playbooks/crises/{crisis.pk}/outbound/resume/", {"action": "resume_all"}).status_code
        == 403
    )
    response = api_for(agent).post(f"/api/v1/crises/{crisis.pk}/phase/", {"to": "aftermath"}, format="json")
    assert response.status_code == 403
    crisis.refresh_from_db()
    assert crisis.phase == Phase.ACTIVE


def test_phase_api_moves_on_and_refuses_a_skip(lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    api = api_for(lead)
    response = api.post(f"/api/v1/crises/{crisis.pk}/phase/", {"to": "aftermath"}, format="json")
    assert (
        response.status_code == 200 and response.json()["phase"] == "aftermath" and response.json()["active"]
    )
    response = api.post(f"/api/v1/crises/{crisis.pk}/phase/", {"to": "reviewed"}, format="json")
    assert response.status_code == 409
    assert "review opens when the crisis is closed" in response.json()["detail"]
    assert api.post(f"/api/v1/crises/{crisis.pk}/phase/", {"to": "over"}, format="json").status_code == 400
    assert api.post("/api/v1/crises/999999/phase/", {"to": "closed"}, format="json").status_code == 404
    response = api.post(f"/api/v1/crises/{crisis.pk}/phase/", {"to": "closed"}, format="json")
    assert response.json() == {**response.json(), "phase": "closed", "active": False}
    assert api.get("/api/v1/crisis/").json()["mode"] == "normal"


def test_automated_items_tick_themselves_once(lead, scenario):
    dept = Department.objects.get(name="Comms")
    ChecklistItemFactory(
        scenario=scenario,
        title="Notify departments",
        department=dept,
        action=AutomatedAction.NOTIFY_DEPARTMENTS,
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert services.complete_automated(crisis_id=crisis.pk, action="notify_departments") == 1
    assert services.complete_automated(crisis_id=crisis.pk, action="notify_departments") == 0
    task = crisis.tasks.get(title="Notify departments")
    assert task.done_at is not None and task.done_by is None
    assert crisis.tasks.filter(done_at__isnull=False).count() == 1  # manual items untouched
    entry = AuditEntry.objects.get(crisis=crisis, kind="task_done")
    assert entry.details["automated"] == "notify_departments" and entry.actor is None


def test_checklist_tab_groups_by_department_with_owner_and_due(lead, agent, scenario):
    ChecklistItem.objects.filter(title="Review statement").update(owner_role="Duty lawyer")
    for order, name in enumerate(["Legal", "Social care", "Comms"]):
        Department.objects.filter(name=name).update(order=order)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    page = logged_in(agent).get(f"/playbooks/crises/{crisis.pk}/").content.decode()
    assert page.index("Legal <") < page.index("Review statement") < page.index("Social care <")
    assert page.index("Social care <") < page.index("Hold posts") < page.index("Comms <")
    assert "Duty lawyer" in page and "due " in page
    for tab in ("outbound", "departments", "hub", "report", "print"):
        assert logged_in(agent).get(f"/playbooks/crises/{crisis.pk}/{tab}/").status_code == 200


def test_printable_checklist_for_a_scenario(agent, outsider, scenario):
    ChecklistItem.objects.filter(title="Publish hub").update(action=AutomatedAction.PUBLISH_HUB)
    page = logged_in(agent).get(f"/playbooks/scenarios/{scenario.pk}/print/").content.decode()
    assert "Rail signal failure" in page and "+30 min" in page and "automatic: publish the hub page" in page
    assert logged_in(outsider).get(f"/playbooks/scenarios/{scenario.pk}/print/").status_code == 403


def test_outbound_tab_shows_the_platforms_reason_and_retries_only_failures(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    failed, ok = outbound["campaigns"][0], outbound["campaigns"][1]
    reason = "HTTP 400: (#2635) You are calling a deprecated version of the Ads API. (code 2635)"
    AdCampaign.objects.filter(pk=failed.pk).update(pause_state="failed", pause_error=reason)
    AdCampaign.objects.filter(pk=ok.pk).update(pause_state="paused")
    client = logged_in(lead)
    page = client.get(f"/playbooks/crises/{crisis.pk}/outbound/").content.decode()
    assert "You are calling a deprecated version of the Ads API" in page and "Retry failed (1)" in page
    client.post(f"/playbooks/crises/{crisis.pk}/outbound/retry/")
    states = dict(AdCampaign.objects.values_list("pk", "pause_state"))
    assert states[failed.pk] == "pending" and states[ok.pk] == "paused"


def test_overdue_items_are_marked_on_the_checklist(lead, agent, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    late = crisis.tasks.get(title="Hold posts")
    crisis.tasks.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    page = logged_in(agent).get("/playbooks/").content.decode()
    assert f'id="task-{late.pk}"' in page
    row = page[page.index(f'id="task-{late.pk}"') :][:300]
    assert 'class="overdue"' in row and '<span id="overdue-count" class="bad">1 overdue</span>' in page
