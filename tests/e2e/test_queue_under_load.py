"""100 new mentions a second: the agent's selection and the rows under the cursor do not move."""

import time

import pytest
from playwright.sync_api import expect

from tests.conftest import mention_item, wait_for
from tests.integration.conftest import http_post
from triage.models import Mention

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_burst_collects_under_the_new_bar_and_nothing_moves(
    browser, asgi_server, celery_worker_process, agent, integration
):
    base = asgi_server
    http_post(base, "/api/v1/mentions/", [mention_item(f"old{i}") for i in range(30)], integration)
    wait_for(lambda: Mention.objects.count() == 30, message="the first mentions")
    page = login(browser, base, agent)
    page.goto(f"{base}/triage/")
    expect(page.locator("#rows li")).to_have_count(30, timeout=10000)
    for _ in range(5):
        page.keyboard.press("j")
    page.locator("#reply-text").fill("Half-written reply")
    page.locator("#reply-text").blur()
    selected = page.evaluate("window.triageState().selectedId")
    box = page.locator("#rows li[aria-selected=true]").bounding_box()
    renders = page.evaluate("window.triageRenders")

    # Five seconds at 100 mentions a second, in batches of 20 as a connector would send them.
    started = time.monotonic()
    for second in range(5):
        for tick in range(5):
            items = [
                mention_item(
                    f"b{second}-{tick}-{i}",
                    text="Is anyone hurt?",
                    author={"handle": "x", "followers": 90_000},
                )
                for i in range(20)
            ]
            http_post(base, "/api/v1/mentions/", items, integration)
            time.sleep(max(0, started + second + (tick + 1) * 0.2 - time.monotonic()))

    expect(page.locator("#newbar")).to_have_text("▲ 500 new — press . to show", timeout=15000)
    state = page.evaluate("window.triageState()")
    assert state["selectedId"] == selected and state["shown"] == 30
    assert page.locator("#rows li[aria-selected=true]").bounding_box() == box
    assert page.evaluate("window.triageRenders") == renders  # the rows were not redrawn once
    assert page.locator("#reply-text").input_value() == "Half-written reply"
    page.keyboard.press(".")  # the agent decides when to look
    expect(page.locator("#rows li")).to_have_count(530)
    expect(page.locator("#rows li").first).to_contain_text("@x")
    assert page.evaluate("window.triageState().selectedId") == selected
