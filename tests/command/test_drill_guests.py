"""Outside parties at a drill (issue 16, rule 1): a time-limited link to one drill's room,
read-only, and its hub page preview; nothing else is reachable with it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from command import flows
from core.errors import DomainError
from playbooks import guests
from playbooks.models import DrillGuest

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(lead, scenario):
    return flows.activate(scenario=scenario, by=lead, drill=True).crisis


def _url(guest) -> str:
    link = guests.link_for(guest)
    return link[link.index("/playbooks/") :]


def test_the_lead_invites_the_airport_and_the_link_shows_the_drill_read_only(client, lead, drill):
    client.force_login(lead)
    response = client.post(
        f"/playbooks/crises/{drill.pk}/guests/",
        {"name": "Ana Duty", "organisation": "City airport operations", "hours": "24"},
    )
    assert response.status_code == 302
    guest = DrillGuest.objects.get()
    report = client.get(f"/playbooks/crises/{drill.pk}/report/").content.decode()
    assert "City airport operations" in report and _url(guest) in report

    outside = Client()  # the airport: no account, no session
    room = outside.get(_url(guest))
    assert room.status_code == 200
    page = room.content.decode()
    assert drill.title in page and "Publish hub" in page and "read-only" in page
    assert "<form" not in page and "csrfmiddlewaretoken" not in page  # nothing to change
    assert room["X-Robots-Tag"].startswith("noindex")
    hub = outside.get(_url(guest) + "hub/")
    assert hub.status_code == 200 and drill.title in hub.content.decode()
    guest.refresh_from_db()
    assert guest.last_seen_at is not None


def test_the_link_reaches_nothing_else(lead, drill):
    guest = guests.invite(crisis=drill, name="Sam", organisation="Fire service", hours=24, by=lead)
    outside = Client()
    assert outside.get(_url(guest)).status_code == 200
    for path in (
        "/",
        "/triage/",
        f"/playbooks/crises/{drill.pk}/",
        f"/playbooks/crises/{drill.pk}/report/",
        "/playbooks/roster/",
        "/api/v1/crisis/",
        "/admin/",
    ):
        assert outside.get(path).status_code in (302, 401, 403), path
    tampered = _url(guest).replace("/guest/", "/guest/x")
    assert outside.get(tampered).status_code == 410
    assert outside.post(f"/playbooks/crises/{drill.pk}/guests/", {"name": "x"}).status_code in (302, 403)


def test_an_expired_or_withdrawn_link_opens_nothing(lead, drill):
    guest = guests.invite(crisis=drill, name="Sam", organisation="Fire service", hours=24, by=lead)
    DrillGuest.objects.filter(pk=guest.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    gone = Client().get(_url(guest))
    assert gone.status_code == 410 and "expired" in gone.content.decode()

    other = guests.invite(crisis=drill, name="Kim", organisation="Police", hours=24, by=lead)
    guests.revoke(guest_id=other.pk, crisis=drill, by=lead)
    assert Client().get(_url(other)).status_code == 410
    assert Client().get(_url(other) + "hub/").status_code == 410


def test_outside_parties_are_for_drills_only(client, lead, agent, scenario, drill):
    client.force_login(agent)
    assert client.post(
        f"/playbooks/crises/{drill.pk}/guests/", {"name": "A", "organisation": "B", "hours": "2"}
    ).status_code in (302, 403)
    assert not DrillGuest.objects.exists()
    real = flows.activate(scenario=scenario, by=lead).crisis
    with pytest.raises(DomainError):
        guests.invite(crisis=real, name="Ana", organisation="Airport", hours=2, by=lead)


def test_a_lead_shares_a_read_only_copy_of_a_plan_with_a_third_party(client, lead, agent, scenario):
    client.force_login(lead)
    page = client.get(f"/playbooks/scenarios/{scenario.pk}/print/").content.decode()
    link = page.split('id="share-link" class="guest-link" type="text" readonly value="')[1].split('"')[0]
    path = link[link.index("/playbooks/") :]

    shared = Client().get(path)
    assert shared.status_code == 200 and "Publish hub" in shared.content.decode()
    assert "read-only copy of this plan" in shared.content.decode()
    assert shared["X-Robots-Tag"].startswith("noindex")
    assert Client().get(path.replace("/plan/", "/plan/x")).status_code == 410

    client.force_login(agent)  # only a lead hands the plan out
    assert "share-link" not in client.get(f"/playbooks/scenarios/{scenario.pk}/print/").content.decode()
