"""A lead runs a drill in Chromium; another staff member's open checklist ticks live; aftermath; close."""

import re

import pytest
from playwright.sync_api import expect

from playbooks.models import Crisis, Phase

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DONE = re.compile(r"\bdone\b")


def test_lead_runs_a_drill_and_another_browser_sees_ticks_live(
    browser, asgi_server, celery_worker_process, lead, agent, scenario, outbound
):
    base = asgi_server
    lead_page = login(browser, base, lead)
    lead_page.goto(f"{base}/playbooks/switch/")
    lead_page.check("#id_drill")
    lead_page.click("button:has-text('Activate')")
    expect(lead_page.locator("#statebar")).to_have_attribute("data-mode", "drill")
    crisis = Crisis.objects.get()
    assert crisis.is_drill

    watcher = login(browser, base, agent)
    watcher.goto(f"{base}/playbooks/")
    expect(watcher.locator("#conn")).to_have_text("● live")
    watcher.evaluate("window.__noReload = true")

    lead_page.goto(f"{base}/playbooks/")
    expect(lead_page.locator("#conn")).to_have_text("● live")
    for title in ("Hold posts", "Review statement"):
        row = lead_page.locator(".checklist li", has_text=title)
        row.locator(".tick").click()
        expect(row).to_have_class(DONE)
        # The other browser sees it within a few seconds, without a reload, with who ticked it.
        seen = watcher.locator(".checklist li", has_text=title)
        expect(seen).to_have_class(DONE, timeout=3000)
        expect(seen.locator(".who")).to_contain_text(f"✓ {lead.username}")
    expect(watcher.locator("#done-count")).to_have_text("2")
    expect(watcher.locator("#tab-progress")).to_have_text("2/3")
    assert watcher.evaluate("window.__noReload") is True

    lead_page.click("button:has-text('Move to aftermath')")
    expect(lead_page.locator("#state-text")).to_contain_text("AFTERMATH")
    expect(watcher.locator("#state-text")).to_contain_text("DRILL · AFTERMATH", timeout=3000)
    lead_page.click("summary:has-text('Close the crisis')")  # it asks first
    lead_page.click("button:has-text('Yes, close it')")
    expect(lead_page.locator("#statebar")).to_have_attribute("data-mode", "normal")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.CLOSED and crisis.tasks.filter(done_by=lead).count() == 2
