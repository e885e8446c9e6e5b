from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from command.flows import activate
from command.flows import move_phase as advance_phase
from hubpage.services import set_page_options
from playbooks.models import Crisis
from playbooks.templatetags.crisis_tags import minutes_short
from tests.factories import ReplyTemplateFactory
from triage.models import Alert, AlertKind

STAFF_PAGES = ["/", "/triage/", "/playbooks/"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*STAFF_PAGES, "/playbooks/switch/"])
def test_anonymous_users_are_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_users_without_a_role_are_refused(outsider, url):
    assert logged_in(outsider).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_every_staff_role_sees_the_pages_with_the_state_bar(agent, volunteer, lead, url):
    for user in (agent, volunteer, lead):
        page = logged_in(user).get(url)
        assert page.status_code == 200
        assert b'id="statebar" data-mode="normal"' in page.content


@pytest.mark.django_db
def test_only_leads_see_and_use_the_switch(agent, lead, scenario, outbound):
    assert b"Activate crisis mode" not in logged_in(agent).get("/").content
    assert logged_in(agent).get("/playbooks/switch/").status_code == 403
    assert logged_in(agent).post("/playbooks/switch/", {"scenario": scenario.pk}).status_code == 403
    client = logged_in(lead)
    confirm = client.get("/playbooks/switch/").content.decode()
    assert "<b>5</b> scheduled posts will be held" in confirm and "<b>3</b> ad campaigns" in confirm
    response = client.post("/playbooks/switch/", {"scenario": scenario.pk})
    assert response.status_code == 302
    assert Crisis.objects.get().is_drill is False
    overview = client.get("/").content.decode()
    assert 'data-mode="crisis"' in overview and "CRISIS · Disruption on the main line" in overview


@pytest.mark.django_db
def test_switch_form_errors_are_shown(lead, scenario):
    response = logged_in(lead).post("/playbooks/switch/", {"scenario": 424242})
    assert response.status_code == 400 and b"Please correct" in response.content
    assert not Crisis.objects.exists()


@pytest.mark.django_db
def test_forms_are_csrf_protected(lead, scenario):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    assert client.post("/playbooks/switch/", {"scenario": scenario.pk}).status_code == 403
    assert not Crisis.objects.exists()


@pytest.mark.django_db
def test_lead_ticks_the_checklist_and_posts_to_the_hub(lead, scenario):
    client = logged_in(lead)
    client.post("/playbooks/switch/", {"scenario": scenario.pk})
    task = Crisis.objects.get().tasks.first()
    client.post(f"/playbooks/tasks/{task.pk}/", {"done": "1"})
    task.refresh_from_db()
    assert task.done_at is not None
    client.post("/hub/updates/", {"body": "Replacement buses from 11:00."})
    crisis = Crisis.objects.get()
    room = client.get("/playbooks/").content.decode()
    assert '<span class="count" id="tab-progress">1/3</span>' in room
    hub_tab = client.get(f"/playbooks/crises/{crisis.pk}/hub/").content.decode()
    assert "Replacement buses from 11:00." in hub_tab


def test_schema_describes_the_api(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/mentions/",
        "/api/v1/queue/next/",
        "/api/v1/crisis/activate/",
        "/api/v1/hub/updates/",
        "/api/v1/crises/{id}/phase/",
    ]:
        assert path in schema["paths"]


@pytest.mark.django_db
def test_volunteers_are_offered_first_line_templates_only(client, volunteer, agent):
    ReplyTemplateFactory(name="Apology", body="Sorry {name}", tier="first_line")
    ReplyTemplateFactory(name="Refund steps", body="Refund: {faq:refunds}", tier="expert")
    client.force_login(volunteer)
    page = client.get("/triage/").content.decode()
    assert "Apology" in page and "Refund steps" not in page and 'data-bulk="assign"' not in page
    client.force_login(agent)
    page = client.get("/triage/").content.decode()
    assert "Refund steps" in page and 'data-bulk="assign"' in page


def _activate(lead, scenario) -> Crisis:
    return activate(scenario=scenario, by=lead).crisis


@pytest.mark.django_db
def test_overview_says_when_the_next_hub_update_is_due(lead, scenario):
    crisis = _activate(lead, scenario)
    client = logged_in(lead)
    assert "No next update time promised yet" in client.get("/").content.decode()
    set_page_options(
        crisis=crisis, next_update_at=timezone.now() + timedelta(minutes=9, seconds=20), keep_public=False
    )
    assert "Next update due in 9 min" in client.get("/").content.decode()
    set_page_options(
        crisis=crisis, next_update_at=timezone.now() - timedelta(minutes=4, seconds=10), keep_public=False
    )
    overdue = client.get("/").content.decode()
    assert "Next update overdue</strong> by 4 min" in overdue and 'class="next-update bad"' in overdue


@pytest.mark.django_db
def test_only_leads_get_the_post_update_button_on_the_overview(lead, agent, scenario):
    crisis = _activate(lead, scenario)
    post = f'href="/playbooks/crises/{crisis.pk}/hub/">Post an update'
    assert post in logged_in(lead).get("/").content.decode()
    assert post not in logged_in(agent).get("/").content.decode()


@pytest.mark.django_db
def test_every_crisis_page_draws_the_same_tab_bar_with_its_tab_current(lead, scenario):
    crisis = _activate(lead, scenario)
    client = logged_in(lead)
    base = f"/playbooks/crises/{crisis.pk}"
    pages = {
        f"{base}/": "Checklist",
        f"{base}/outbound/": "Outbound",
        f"{base}/departments/": "Departments",
        f"{base}/hub/": "Hub",
        f"{base}/rooms/team/": "Rooms",
        f"{base}/timeline/": "Audit trail",
    }
    for url, tab in pages.items():
        html = client.get(url).content.decode()
        assert html.count('<nav class="tabs" aria-label="This crisis">') == 1, url
        assert f'aria-current="page">{tab}' in html, url
        assert "Move to aftermath" in html, url  # the lead's phase buttons on every tab
    advance_phase(crisis_id=crisis.pk, to="closed", by=lead)
    review = client.get(f"{base}/review/").content.decode()
    assert 'aria-current="page">Review</a>' in review and '<nav class="tabs"' in review
    assert "Mark reviewed" not in review  # the review completes through its own button


def test_waits_read_in_minutes_hours_and_days():
    assert [minutes_short(m) for m in (0, 18, 192, 12607)] == ["0m", "18m", "3h 12m", "8d 18h"]


@pytest.mark.django_db
def test_a_spike_alert_comes_first_on_the_overview_with_the_switch_for_the_lead(lead, agent):
    Alert.objects.create(
        kind=AlertKind.SPIKE, created_at=timezone.now(), message="Mentions up 6x in 5 minutes, 70% negative"
    )
    page = logged_in(lead).get("/").content.decode()
    alert = page.index("Mentions up 6x in 5 minutes")
    assert alert < page.index('id="switchbar"') < page.index('id="h-queue"')
    assert "Activate crisis mode…" in page[page.index('id="switchbar"') :]
    seen_by_agent = logged_in(agent).get("/").content.decode()
    # Alerts are the lead's to act on: an agent's overview shows neither the alert nor the switch.
    assert "Mentions up 6x" not in seen_by_agent and "Activate crisis mode" not in seen_by_agent
