"""Who else has the queue open, as an agent sees it in Chromium, when a presence delta is lost."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, forget_presence

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(ROOT) / "var" / "shots"


def test_the_queue_page_resyncs_presence_after_losing_a_delta(
    browser, asgi_server, agent, other_agent, volunteer
):
    forget_presence()
    base = asgi_server
    page = login(browser, base, agent)
    dropped, asked = [], []

    def lose_one_delta(ws):
        server = ws.connect_to_server()

        def from_server(message):
            if '"queue.presence.delta"' in message and other_agent.username in message and not dropped:
                dropped.append(message)  # lost on the way: the page must notice the gap
                return
            ws.send(message)

        def from_page(message):
            asked.append(json.loads(message)["type"])
            server.send(message)

        server.on_message(from_server)
        ws.on_message(from_page)

    page.route_web_socket("**/ws/triage/", lose_one_delta)
    page.goto(f"{base}/triage/")
    online = page.locator("#presence")
    expect(online).to_contain_text("you")

    colleague = login(browser, base, other_agent)
    colleague.goto(f"{base}/triage/")
    for _ in range(200):  # Playwright handles the socket's frames only while it is waited on
        if dropped:
            break
        page.wait_for_timeout(50)
    assert dropped, "the colleague's delta never came"
    helper = login(browser, base, volunteer)
    helper.goto(f"{base}/triage/")
    # The volunteer's delta comes numbered one past the lost one: the page asks for the list.
    expect(online).to_contain_text(volunteer.username)
    expect(online).to_contain_text(other_agent.username)
    assert "presence.resync" in asked
    for name, size in (("laptop", (1366, 768)), ("small-laptop", (1024, 768)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=str(SHOTS / f"queue-presence-{name}.png"))

    colleague.context.close()
    expect(online).not_to_contain_text(other_agent.username)  # a delta: gone


def test_reconnect_waits_a_random_time_under_a_doubling_ceiling(browser, asgi_server, agent):
    page = login(browser, asgi_server, agent)
    delays = page.evaluate(
        """import('/static/js/live.js').then((m) => [
             m.reconnectDelay(0, () => 0.999), m.reconnectDelay(2, () => 0.999),
             m.reconnectDelay(10, () => 0.999), m.reconnectDelay(3, () => 0)])"""
    )
    assert delays == [999, 3996, 14985, 0]
