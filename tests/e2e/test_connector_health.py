"""The connector health page keeps itself current in a real browser."""

import pytest
from playwright.sync_api import expect

from social import health

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_health_page_shows_new_errors_and_reconnects_without_a_reload(browser, asgi_server, lead):
    page = login(browser, asgi_server, lead)
    page.click("nav >> text=Connectors")
    bluesky = page.locator("#health-bluesky")
    expect(bluesky).to_contain_text("Demo")
    expect(bluesky).to_contain_text("never")
    page.evaluate("window.__noReload = true")

    health.record_events("bluesky", 7)
    health.record_reconnect("bluesky")
    health.record_error("bluesky", "stream: jetstream connection lost")

    expect(bluesky).to_contain_text("jetstream connection lost", timeout=12_000)
    expect(bluesky).to_contain_text("7 in all")
    assert page.evaluate("window.__noReload") is True  # swapped in place, not reloaded
