"""Screenshots of the crisis room tabs, the printable checklist and the roster (1366x768).

    .venv/bin/python scripts/screenshots_playbooks.py http://localhost:8000 PASSWORD [OUT_DIR]

Expects the demo data (make run) and no crisis on: runs a drill as `lead`, ticks two
items, moves it to aftermath, then closes it at the end.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import ARGS, CHROMIUM, login


def main(base: str, password: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        login(page, base, "lead", password)
        page.goto(f"{base}/playbooks/")
        scenario_print = page.locator("a", has_text="printable checklist").first.get_attribute("href")
        page.goto(base + scenario_print)
        page.screenshot(path=out / "print-checklist.png", full_page=True)
        page.emulate_media(media="print")
        page.pdf(path=str(out / "print-checklist.pdf"), format="A4")
        page.emulate_media(media="screen")

        page.goto(f"{base}/playbooks/switch/")
        page.check("#id_drill")
        page.click("button:has-text('Activate')")
        page.goto(f"{base}/playbooks/")
        page.wait_for_selector("#conn[data-state=live]")
        page.wait_for_timeout(2500)  # automated items tick themselves
        for li in page.locator(".checklist li:not(.done) .tick").all()[:2]:
            li.click()
            page.wait_for_timeout(300)
        page.screenshot(path=out / "room-checklist.png")
        crisis = page.locator("#checklist").get_attribute("data-crisis")
        for tab in ("outbound", "departments", "hub", "report"):
            page.goto(f"{base}/playbooks/crises/{crisis}/{tab}/")
            page.screenshot(path=out / f"room-{tab}.png")
        page.goto(f"{base}/playbooks/roster/")
        page.screenshot(path=out / "roster.png")
        page.goto(f"{base}/playbooks/")
        page.click("button:has-text('Move to aftermath')")
        page.screenshot(path=out / "room-aftermath.png")
        page.click("button:has-text('Close the crisis')")
        browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], Path(sys.argv[3] if len(sys.argv) > 3 else "docs/screenshots"))
