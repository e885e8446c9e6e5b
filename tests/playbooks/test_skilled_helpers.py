"""Skilled helpers (issue 16, rules 3-5): training before a volunteer's first queue, completion
recorded per person; the jump seat sign-up; skills, skilled outside teams and time zones on the
roster."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from command import flows
from playbooks.models import RosterEntry, TrainingCompletion, TrainingLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def training_links(scenario):
    return [
        TrainingLink.objects.create(
            title="How we answer in a crisis", url="https://learn.example/care", minutes=6
        ),
        TrainingLink.objects.create(
            scenario=scenario, title="Rail signal failure: what to say", url="https://learn.example/rail"
        ),
    ]


def test_a_volunteers_first_queue_comes_after_the_training(client, volunteer, training_links, lead, scenario):
    client.force_login(volunteer)
    first = client.get("/triage/")
    assert first.status_code == 302 and first["Location"] == "/playbooks/training/?next=/triage/"

    page = client.get(first["Location"]).content.decode()
    assert "How we answer in a crisis" in page
    assert "Rail signal failure: what to say" not in page  # no crisis on: only the links for every crisis

    done = client.post("/playbooks/training/", {"next": "/triage/"})
    assert done.status_code == 302 and done["Location"] == "/triage/"
    assert TrainingCompletion.objects.filter(user=volunteer).count() == 1
    assert client.get("/triage/").status_code == 200


def test_a_crisis_brings_its_own_training_and_the_queue_help_links_to_it(
    client, volunteer, agent, training_links, lead, scenario
):
    TrainingCompletion.objects.create(user=volunteer, link=training_links[0], completed_at=timezone.now())
    flows.activate(scenario=scenario, by=lead, drill=True)
    client.force_login(volunteer)
    assert client.get("/triage/")["Location"].startswith("/playbooks/training/")
    assert "Rail signal failure: what to say" in client.get("/playbooks/training/").content.decode()

    client.force_login(agent)  # the social team's own agents are trained already
    queue = client.get("/triage/")
    assert queue.status_code == 200 and "/playbooks/training/?next=/triage/" in queue.content.decode()


def test_an_offsite_next_is_not_followed(client, volunteer, training_links):
    client.force_login(volunteer)
    done = client.post("/playbooks/training/", {"next": "https://evil.example/"})
    assert done["Location"] == "/triage/"


def test_any_staff_member_takes_a_jump_seat_with_skills_and_time_zone(client, agent):
    client.force_login(agent)
    assert client.get("/playbooks/jump-seat/").status_code == 200
    response = client.post(
        "/playbooks/jump-seat/",
        {
            "team": "Finance",
            "languages": "en, pt",
            "skills": ["crm", "refunds"],
            "time_zone": "Europe/Lisbon",
            "availability": "evenings",
            "phone": "",
        },
    )
    assert response.status_code == 302
    entry = RosterEntry.objects.get(user=agent)
    assert entry.skills == ["crm", "refunds"] and entry.time_zone == "Europe/Lisbon"


def test_a_time_zone_that_does_not_exist_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(
        "/playbooks/jump-seat/",
        {"team": "Finance", "languages": "en", "time_zone": "Mars/Olympus", "availability": "evenings"},
    )
    assert response.status_code == 200 and "not a time zone name" in response.content.decode()
    assert not RosterEntry.objects.filter(user=agent).exists()


def test_the_roster_shows_skills_skilled_outside_teams_and_local_time(client, lead, agent):
    RosterEntry.objects.create(
        user=agent,
        team="Support",
        outside_team="Manila contact centre",
        skilled=True,
        skills=["crm"],
        time_zone="Asia/Manila",
    )
    client.force_login(lead)
    page = client.get("/playbooks/roster/").content.decode()
    assert "CRM (customer records)" in page and "skilled" in page and "Asia/Manila" in page
    assert "(first line only)" not in page
    local = timezone.now().astimezone(ZoneInfo("Asia/Manila")).strftime("%H:")
    assert f">{local}" in page
