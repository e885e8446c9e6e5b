"""The whole path in a real browser: switch, live queue, banner, public hub page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import mention_item
from tests.integration.conftest import http_post

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lead_activates_agent_sees_it_live_and_public_reads_the_hub(
    browser, asgi_server, celery_worker_process, lead, agent, integration, scenario, outbound, tmp_path
):
    base = asgi_server
    queue = login(browser, base, agent)
    queue.goto(f"{base}/triage/")
    expect(queue.locator("#conn")).to_have_text("● live")
    queue.evaluate("window.__noReload = true")
    expect(queue.locator("#statebar")).to_have_attribute("data-mode", "normal")

    # The comms lead flips the switch from the browser, through the confirmation.
    room = login(browser, base, lead)
    room.click("text=Activate crisis mode…")
    expect(room.locator(".summary")).to_contain_text("5 scheduled posts will be held")
    room.click("button:has-text('Activate')")
    expect(room.locator("#statebar")).to_have_attribute("data-mode", "crisis")

    # The agent's open queue shows the banner without a reload...
    expect(queue.locator("#statebar")).to_have_attribute("data-mode", "crisis", timeout=2000)
    expect(queue.locator("#state-text")).to_have_text(f"CRISIS · {scenario.hub_title}")

    # ...and a mention pushed through the API appears in it.
    status, _ = http_post(
        base, "/api/v1/mentions/", [mention_item("e2e-1", text="Is anyone hurt on the 08:14?")], integration
    )
    assert status == 202
    expect(queue.locator("#rows li")).to_have_count(1, timeout=10000)
    expect(queue.locator("#rows li").first).to_contain_text("Is anyone hurt on the 08:14?")

    # Later arrivals wait under the "new" bar so nothing moves under the cursor.
    queue.keyboard.press("j")
    http_post(
        base, "/api/v1/mentions/", [mention_item("e2e-2", text="When will trains run again?")], integration
    )
    expect(queue.locator("#newbar")).to_have_text("▲ 1 new — press . to show", timeout=10000)
    expect(queue.locator("#rows li")).to_have_count(1)
    queue.keyboard.press(".")
    expect(queue.locator("#rows li")).to_have_count(2)

    # Keyboard only: claim the selected mention, then resolve it.
    first_row = queue.locator("#rows li[aria-selected=true]")
    expect(first_row).to_contain_text("Is anyone hurt")
    queue.keyboard.press("c")
    expect(first_row).to_contain_text("claimed · you")
    queue.keyboard.press("e")
    expect(queue.locator("#rows li")).to_have_count(1)
    assert queue.evaluate("window.__noReload") is True
    queue.screenshot(path=tmp_path / "queue.png")

    # The public, with JavaScript off, reads the hub page.
    public = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False).new_page()
    public.goto(f"{base}/hub/")
    expect(public.locator("h1")).to_have_text(scenario.hub_title)
    expect(public.locator("main")).to_contain_text("Passengers are safe")
