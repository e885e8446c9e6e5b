"""The pages' own promises: closing asks first and says what happened, held posts stay reachable
after a close, a 403 offers a way back, the browser's /favicon.ico is served, the clock is not announced."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from command import flows
from social.models import PostStatus


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_closing_the_crisis_asks_first_and_the_message_reads_naturally(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    client = logged_in(lead)
    room = client.get(f"/playbooks/crises/{crisis.pk}/").content.decode()
    # The close button sits inside a disclosure that says what closing does: no one-click close.
    close = re.search(r'<details class="confirm close-confirm">.*?</details>', room, flags=re.S)
    assert close and "End crisis mode for everyone?" in close.group(0) and 'value="closed"' in close.group(0)
    assert room.count('value="closed"') == 1
    page = client.post(
        f"/playbooks/crises/{crisis.pk}/phase/", {"to": "closed"}, follow=True
    ).content.decode()
    assert "is closed and crisis mode is off" in page and "is now in" not in page


@pytest.mark.django_db
def test_after_a_close_the_overview_links_to_the_held_posts(scenario, lead, outbound):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    assert outbound["posts"][0].__class__.objects.filter(status=PostStatus.HELD).count() == 5
    flows.deactivate(by=lead)
    page = logged_in(lead).get("/").content.decode()
    assert f'href="/playbooks/crises/{crisis.pk}/outbound/"' in page and "Review and release" in page


@pytest.mark.django_db
def test_a_403_page_explains_and_offers_a_way_back(volunteer, outsider):
    page = logged_in(volunteer).get("/playbooks/roster/")
    body = page.content.decode()
    assert page.status_code == 403 and "<h1>" in body and 'href="/"' in body and "<main" in body
    assert "Sign in as someone else" in logged_in(outsider).get("/").content.decode()


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_the_state_is_announced_and_the_clock_is_not(scenario, lead):
    flows.activate(scenario=scenario, by=lead)
    page = logged_in(lead).get("/triage/reports/").content.decode()
    live = re.search(r'<span id="state-text" role="status" aria-live="polite">', page)
    assert live and 'id="state-clock"' not in page[live.start() : page.index("</span>", live.start())]
    assert not re.search(r'aria-live="[^"]+"[^>]*>\s*<span id="state-text"', page)


@pytest.mark.django_db
def test_queue_and_overview_have_a_main_landmark_and_a_heading(agent, lead):
    for user, url in ((agent, "/triage/"), (lead, "/")):
        page = logged_in(user).get(url).content.decode()
        assert page.count("<main") == 1 and "<h1" in page, url
