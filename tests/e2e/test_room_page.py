"""The room page in Chromium: older messages on demand, and the plain form when JavaScript is off."""

import pytest
from playwright.sync_api import expect

from command import flows
from playbooks.models import Room, RoomMessage

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_older_messages_load_in_place_over_the_socket(browser, asgi_server, lead, agent, scenario):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    RoomMessage.objects.bulk_create(
        RoomMessage(
            crisis=crisis, room=Room.CARE, author=agent, body=f"note {n}", posted_at=crisis.activated_at
        )
        for n in range(70)
    )
    page = login(browser, asgi_server, agent)
    url = f"{asgi_server}/playbooks/crises/{crisis.pk}/rooms/care/"
    page.goto(url)
    expect(page.locator("#conn")).to_have_text("● live")
    expect(page.locator("#messages li")).to_have_count(50)
    page.click("#older")
    expect(page.locator("#messages li")).to_have_count(70)
    expect(page.locator("#messages li .body").first).to_have_text("note 0")
    expect(page.locator("#older")).to_have_count(0)
    assert page.url == url


def test_the_room_works_without_javascript(browser, asgi_server, lead, volunteer, scenario):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    context = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{asgi_server}/accounts/login/")
    page.fill("#id_username", volunteer.username)
    page.fill("#id_password", "pw-" + volunteer.username)
    page.click("button[type=submit]")
    page.goto(f"{asgi_server}/playbooks/crises/{crisis.pk}/rooms/team/")
    page.fill("#id_body", "Posting from a locked-down laptop")
    page.click("#compose button[type=submit]")
    expect(page.locator("#messages li .body").last).to_have_text("Posting from a locked-down laptop")
    page.fill("#id_body", "   ")
    page.click("#compose button[type=submit]")
    expect(page.locator("#compose-error")).to_have_text("Write a message first.")
    page.fill("#id_body", "x" * 2500)  # the browser keeps to the limit the server enforces
    expect(page.locator("#id_body")).to_have_value("x" * 2000)
    assert RoomMessage.objects.count() == 1
