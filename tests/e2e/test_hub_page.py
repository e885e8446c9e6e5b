"""The public hub page in Chromium with JavaScript off, on a phone and a laptop, and the
lead's editor with its live preview."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from command import flows
from hubpage.demo import seed_hub_demo

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_lead_posts_with_live_preview_and_the_public_reads_the_page_without_javascript(
    browser, asgi_server, lead, scenario, tmp_path
):
    base = asgi_server
    shots = Path(os.environ.get("HUB_SCREENSHOT_DIR") or tmp_path)
    seed_hub_demo(scenario)
    flows.activate(scenario=scenario, by=lead)

    # The lead writes an update: the preview follows the typing, through the server's sanitiser.
    editor = login(browser, base, lead)
    editor.goto(f"{base}/hub/edit/")
    editor.fill("#id_u-body", "**Buses** now run every 10 minutes. <script>alert(1)</script>")
    expect(editor.locator("#preview strong")).to_have_text("Buses")
    expect(editor.locator("#preview")).not_to_contain_text("alert")
    editor.screenshot(path=shots / "hub-editor.png")
    editor.check("#id_u-pin")
    editor.click("button:has-text('Post update')")
    expect(editor.locator(".messages")).to_contain_text("Update posted")
    editor.goto(f"{base}/hub/edit/?lang=fr")
    editor.fill("#id_u-body", "Des bus partent toutes les 10 minutes.")
    editor.click("button:has-text('Post update')")
    editor.context.close()

    # A reader on a phone, French browser, no JavaScript.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="fr-FR"
    )
    page = phone.new_page()
    page.goto(f"{base}/hub/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Perturbation sur la ligne principale Northline")
    headings = page.locator("main h2").all_inner_texts()
    expected = ["Ce qui s'est passé", "Qui est concerné", "Ce que nous faisons", "Ce que vous devez faire"]
    assert headings[: len(expected)] == expected
    assert (
        headings.index("Prochaine mise à jour")
        < headings.index("Mises à jour")
        < headings.index("Questions et réponses")
        < headings.index("Nous contacter")
    )
    expect(page.locator("ol.updates li").first).to_contain_text("Des bus partent")
    expect(page.locator("#refunds")).to_have_text("Puis-je être remboursé ?")
    assert no_horizontal_scroll(page)
    page.screenshot(path=shots / "hub-phone.png", full_page=True)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")

    # The switcher leads to the English page; the pinned key message is on top.
    page.click("nav[aria-label=Langue] >> text=English")
    expect(page).to_have_url(f"{base}/hub/en/")
    expect(page.locator("section.key")).to_contain_text("Buses now run every 10 minutes.")
    expect(page.locator("section.key")).not_to_contain_text("alert")

    # Subscribing works without JavaScript (and without a CSRF token on the static page).
    page.fill("#email", "kate@example.org")
    page.click("button:has-text('Subscribe')")
    expect(page.locator("main")).to_contain_text("Check your inbox")

    # Reflow: 320 CSS pixels wide (a 1280 px window at 400% zoom) needs no sideways scrolling.
    narrow = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    small = narrow.new_page()
    small.goto(f"{base}/hub/en/#refunds")
    assert no_horizontal_scroll(small)
    expect(small.locator("#refunds")).to_be_in_viewport()
    narrow.close()

    laptop = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    wide = laptop.new_page()
    wide.goto(f"{base}/hub/en/")
    expect(wide.locator("h1")).to_have_text("Disruption on the Northline main line")
    assert wide.evaluate("document.querySelectorAll('script').length") == 0
    wide.screenshot(path=shots / "hub-laptop.png")
    laptop.close()
    phone.close()
