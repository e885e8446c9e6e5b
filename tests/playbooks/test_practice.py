"""Practising and learning (issue 16, rules 1, 4 and 6): drills planned per scenario with a
reminder to the leads, plans never drilled or gone stale flagged on the overview, the review
due once the team has rested, platforms down said on the overview, and the printable plan
carrying lessons, a fallback contact tree and every account we run."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from command import flows
from core.roles import Role
from playbooks import practice, review
from playbooks.models import Crisis, Department, MeetingKind, Scenario
from social import health
from tests.conftest import make_user
from tests.factories import ContactFactory, PlatformAccountFactory, RosterEntryFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def _kinds(scenario):
    return {f.kind for f in practice.plan_flags() if f.scenario == scenario}


def test_a_plan_never_drilled_or_untouched_for_months_is_flagged_until_it_is_drilled(lead, scenario):
    assert _kinds(scenario) == {"never_drilled"}
    Scenario.objects.filter(pk=scenario.pk).update(updated_at=timezone.now() - timedelta(days=200))
    assert _kinds(scenario) == {"never_drilled", "untouched"}
    flows.activate(scenario=scenario, by=lead, drill=True)
    flows.deactivate(by=lead)
    assert _kinds(scenario) == {"untouched"}


def test_a_planned_drill_gets_one_reminder_and_a_missed_one_is_flagged(lead, scenario, mailbox):
    lead.email = "lena@northline.example"
    lead.save()
    scenario.next_drill_at = timezone.now() + timedelta(days=3)
    scenario.drill_every_days = 90
    scenario.save()
    assert practice.send_drill_reminders() == 1
    assert practice.send_drill_reminders() == 0  # beat runs hourly, on every node: one reminder
    (message,) = mailbox
    assert message.to == ["lena@northline.example"]
    assert message.subject.startswith("Drill reminder: Rail signal failure on ")
    assert "/playbooks/switch/" in message.body

    Scenario.objects.filter(pk=scenario.pk).update(next_drill_at=timezone.now() - timedelta(days=1))
    assert "drill_overdue" in _kinds(scenario)


def test_a_drill_held_moves_the_plan_on_by_its_interval(lead, scenario, mailbox):
    planned = timezone.now() - timedelta(hours=2)
    scenario.next_drill_at, scenario.drill_every_days = planned, 30
    scenario.save()
    flows.activate(scenario=scenario, by=lead, drill=True)
    practice.send_drill_reminders()
    scenario.refresh_from_db()
    assert scenario.next_drill_at == planned + timedelta(days=30)
    assert "drill_overdue" not in _kinds(scenario)


def test_the_review_is_due_once_the_team_has_rested(lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    flows.deactivate(by=lead)
    assert practice.review_flags() == []  # they need rest first
    Crisis.objects.filter(pk=crisis.pk).update(ended_at=timezone.now() - timedelta(days=4))
    (flag,) = practice.review_flags()
    assert flag.crisis == crisis and "4 days ago" in flag.message


def test_the_overview_flags_the_plans_to_the_lead_only_and_says_a_platform_is_down(
    client, lead, agent, scenario
):
    health.record_error("x", "503 Service Unavailable from api.x.com")
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "X is down" in page and "503 Service Unavailable" in page
    assert "Rail signal failure has never been drilled." in page
    client.force_login(agent)
    page = client.get("/").content.decode()
    assert "X is down" in page and "never been drilled" not in page
    health.record_events("x", 3)  # it recovered: events flow again
    assert "X is down" not in client.get("/").content.decode()


def test_the_printable_plan_has_lessons_a_fallback_tree_and_every_account(client, lead, agent, scenario):
    legal = Department.objects.get(name="Legal")
    ContactFactory(department=legal, name="Helen Park", phone="+44 20 7946 0001", on_call=True)
    ContactFactory(department=legal, name="Sam Lee", phone="+44 20 7946 0002")
    PlatformAccountFactory(platform="x", handle="northlinerail")
    PlatformAccountFactory(platform="bluesky", handle="northline.bsky.social")
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    flows.deactivate(by=lead)
    review.save_meeting(
        crisis_id=crisis.pk,
        kind=MeetingKind.SOCIAL_TEAM,
        by=lead,
        notes=review.MeetingNotes(
            held_at=timezone.now(), did_not_work="Refund questions waited <b>hours</b>"
        ),
    )
    review.add_action_item(
        crisis_id=crisis.pk, by=lead, title="Train two more CRM agents", owner_name="Ops", scenario=scenario
    )
    other = ScenarioFactory(name="Data breach")
    client.force_login(agent)
    page = client.get(f"/playbooks/scenarios/{scenario.pk}/print/").content.decode()
    assert "Train two more CRM agents" in page
    assert "Refund questions waited &lt;b&gt;hours&lt;/b&gt;" in page  # escaped
    assert "Helen Park (on call) +44 20 7946 0001, then Sam Lee +44 20 7946 0002" in page
    assert "X @northlinerail" in page and "Bluesky @northline.bsky.social" in page
    assert "Train two more" not in client.get(f"/playbooks/scenarios/{other.pk}/print/").content.decode()


def test_department_contacts_are_for_the_organisations_own_staff(client, lead, agent, scenario):
    legal = Department.objects.get(name="Legal")
    ContactFactory(department=legal, name="Helen Park", phone="+44 20 7946 0001", on_call=True)
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    outsider = make_user("lisbon_agent", Role.AGENT)
    RosterEntryFactory(user=outsider, team="Care", outside_team="Lisbon contact centre", skilled=True)
    pages = [
        f"/playbooks/crises/{crisis.pk}/departments/",
        f"/playbooks/crises/{crisis.pk}/print/",
        f"/playbooks/scenarios/{scenario.pk}/print/",
    ]
    for user, shown in [(agent, True), (lead, True), (outsider, False)]:
        client.force_login(user)
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200, (user, url)
            assert ("+44 20 7946 0001" in page.content.decode()) is shown, (user.username, url)
    client.force_login(outsider)
    page = client.get(f"/playbooks/crises/{crisis.pk}/departments/").content.decode()
    assert "Legal" in page and "Shown to the organisation's own staff." in page
