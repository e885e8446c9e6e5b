"""Who may tick the checklist and who may read the audit trail.

Decided: an agent (or a volunteer) ticks and reopens the items of a department they are a
member of; leads and admins tick any. The whole audit trail (every tick, before and after)
is for leads and admins; other staff see the crisis's milestones on the overview.
"""

import pytest

from command import flows
from core.errors import Forbidden
from core.roles import Role
from playbooks import services
from playbooks.models import ChecklistTask
from playbooks.selectors import check_audit_reader
from tests.conftest import make_user
from tests.review_helpers import closed_drill, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(scenario, lead):
    flows.activate(scenario=scenario, by=lead)
    return {t.department.name: t for t in ChecklistTask.objects.select_related("department")}


def test_an_agent_ticks_their_own_departments_items_only(tasks, agent):
    care, legal = tasks["Social care"], tasks["Legal"]
    care.department.members.add(agent)
    services.set_task_done(task_id=care.pk, by=agent, done=True)
    with pytest.raises(services.NotYourDepartment):
        services.set_task_done(task_id=legal.pk, by=agent, done=True)
    assert ChecklistTask.objects.get(pk=care.pk).done_by == agent
    assert ChecklistTask.objects.get(pk=legal.pk).done_at is None


def test_the_tick_endpoint_answers_403_outside_the_department(tasks, agent, volunteer):
    legal = tasks["Legal"]
    for user in (agent, volunteer):
        answer = logged_in(user).post(
            f"/playbooks/tasks/{legal.pk}/", {"done": "1"}, HTTP_ACCEPT="application/json"
        )
        assert answer.status_code == 403 and "Legal" in answer.json()["error"]
    assert ChecklistTask.objects.get(pk=legal.pk).done_at is None


def test_leads_and_admins_tick_any_item_and_reopen_it(tasks, lead):
    admin = make_user("ada_admin", Role.ADMIN)
    legal, comms = tasks["Legal"], tasks["Comms"]
    services.set_task_done(task_id=legal.pk, by=lead, done=True)
    services.set_task_done(task_id=comms.pk, by=admin, done=True)
    services.set_task_done(task_id=legal.pk, by=admin, done=False)
    assert ChecklistTask.objects.get(pk=legal.pk).done_at is None
    assert ChecklistTask.objects.get(pk=comms.pk).done_by == admin


def test_the_checklist_page_disables_ticks_outside_the_agents_department(tasks, agent):
    care = tasks["Social care"]
    care.department.members.add(agent)
    crisis_id = care.crisis_id
    page = logged_in(agent).get(f"/playbooks/crises/{crisis_id}/").content.decode()
    mine = page.split(f'id="task-{care.pk}"')[1].split("</li>")[0]
    theirs = page.split(f'id="task-{tasks["Legal"].pk}"')[1].split("</li>")[0]
    assert "disabled" not in mine and "disabled" in theirs


@pytest.mark.parametrize("role", [Role.AGENT, Role.VOLUNTEER])
def test_the_audit_trail_is_refused_to_agents_and_volunteers(scenario, lead, role):
    crisis = closed_drill(scenario, lead)
    reader = make_user(f"reader_{role.value}", role)
    answer = logged_in(reader).get(f"/playbooks/crises/{crisis.pk}/timeline/")
    assert answer.status_code == 403
    assert "Audit trail" not in logged_in(reader).get(f"/playbooks/crises/{crisis.pk}/hub/").content.decode()


def test_the_audit_trail_is_read_by_leads_and_admins(scenario, lead):
    crisis = closed_drill(scenario, lead)
    admin = make_user("ada_admin", Role.ADMIN)
    for reader in (lead, admin):
        assert logged_in(reader).get(f"/playbooks/crises/{crisis.pk}/timeline/").status_code == 200


def test_the_overview_shows_an_agent_the_milestones_not_every_tick(tasks, lead, agent):
    services.set_task_done(task_id=tasks["Legal"].pk, by=lead, done=True)
    as_agent = logged_in(agent).get("/").content.decode()
    as_lead = logged_in(lead).get("/").content.decode()
    assert "Legal: Review statement done" in as_lead and "Full audit trail" in as_lead
    assert "Legal: Review statement done" not in as_agent and "Full audit trail" not in as_agent
    assert "activated" in as_agent.lower()


def test_the_audit_rule_raises_the_domain_error():
    with pytest.raises(Forbidden):
        check_audit_reader(None)
