"""The XSS corpus as the queue's JavaScript renders it in Chromium: from the snapshot and from
websocket deltas, in the list and the detail pane. Nothing runs, nothing becomes markup,
every payload reads as the text it is."""

import pytest
from playwright.sync_api import expect

from tests.conftest import mention_item, wait_for
from tests.integration.conftest import http_post
from tests.xss import corpus
from triage.models import Mention

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PAYLOADS = corpus()

HOLES = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    if (/XSS\\d+/.test(el.tagName)) found.push(`element ${el.tagName}`);
    for (const a of el.attributes) {
      if (!/XSS\\d+/.test(a.value)) continue;
      const handler = a.name.startsWith("on") || a.name === "style" || a.name === "srcdoc";
      const link = ["href", "src", "action", "formaction"].includes(a.name) && !/^https?:/i.test(a.value);
      if (handler || link) found.push(`${a.name}=${a.value} on ${el.tagName}`);
    }
  }
  return found.concat(window.__xssRan || []);
}"""


def items(prefix: str, payloads: list[str]) -> list[dict]:
    return [
        mention_item(
            f"{prefix}{i}",
            text=f"{payload} is my train running?",
            author={"handle": payload[:100], "name": payload[:200], "bio": payload, "followers": 900 + i},
            url=f"https://example.org/{prefix}/{i}?XSS{i}",
        )
        for i, payload in enumerate(payloads)
    ]


def test_the_queue_renders_every_payload_as_text(
    browser, asgi_server, celery_worker_process, agent, integration
):
    base = asgi_server
    half = len(PAYLOADS) // 2
    assert http_post(base, "/api/v1/mentions/", items("s", PAYLOADS[:half]), integration)[0] == 202
    wait_for(lambda: Mention.objects.count() == half, message="the snapshot's mentions to be stored")

    page = login(browser, base, agent)
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(
        "window.alert = (m) => { (window.__xssRan = window.__xssRan || []).push(String(m)); };"
    )
    page.goto(f"{base}/triage/")
    expect(page.locator("#rows li")).to_have_count(half, timeout=15000)

    # the rest arrive as websocket deltas while the page is open
    assert http_post(base, "/api/v1/mentions/", items("d", PAYLOADS[half:]), integration)[0] == 202
    wait_for(lambda: Mention.objects.count() == len(PAYLOADS), timeout=30, message="the deltas' mentions")
    # new mentions wait above the list until the agent asks for them
    expect(page.locator("#newbar")).to_contain_text(f"{len(PAYLOADS) - half} new", timeout=30000)
    page.keyboard.press(".")
    expect(page.locator("#rows li")).to_have_count(len(PAYLOADS), timeout=10000)

    rows = page.locator("#rows").inner_text()
    for payload in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[-1]):
        assert payload.split("\n")[0][:30] in rows
    for index in (0, 1, half, len(PAYLOADS) - 1):
        page.locator("#rows li").nth(index).click()
        expect(page.locator("#detail")).to_contain_text("is my train running?")
        link = page.locator("#detail a:has-text('original post')")
        if link.count():
            assert link.first.get_attribute("href").startswith("https://example.org/")
    page.wait_for_timeout(500)  # an onerror or onload would have fired by now
    assert page.evaluate(HOLES) == [] and dialogs == [] and errors == []
