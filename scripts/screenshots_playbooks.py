"""Screenshots of the crisis room tabs, the printable checklist, a drill report and the roster.

    .venv/bin/python scripts/screenshots_playbooks.py http://localhost:8000 PASSWORD [OUT_DIR]

Expects the demo data (make run) with no crisis on. Runs a drill (report), then a real
crisis: ticks items, moves it to aftermath for the review list, and closes it at the end.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import ARGS, CHROMIUM, login


def activate(page, base: str, *, drill: bool) -> str:
    page.goto(f"{base}/playbooks/switch/")
    if drill:
        page.check("#id_drill")
        page.fill("#id_demo_stream_minutes", "1")
    page.click("button:has-text('Activate')")
    page.goto(f"{base}/playbooks/")
    page.wait_for_selector("#conn[data-state=live]")
    page.wait_for_timeout(2500)  # the automated items tick themselves
    return page.locator("#checklist").get_attribute("data-crisis")


def tick(page, count: int) -> None:
    for button in page.locator(".checklist li:not(.done) .tick").all()[:count]:
        button.click()
        page.wait_for_timeout(400)


def main(base: str, password: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        login(page, base, "lead", password)
        page.goto(f"{base}/playbooks/")
        page.screenshot(path=out / "room-none.png")
        page.click("a:has-text('printable checklist') >> nth=0")
        page.screenshot(path=out / "print-checklist.png", full_page=True)
        page.emulate_media(media="print")
        page.pdf(path=str(out / "print-checklist.pdf"), format="A4")
        page.emulate_media(media="screen")

        drill = activate(page, base, drill=True)
        tick(page, 3)
        page.goto(f"{base}/playbooks/crises/{drill}/hub/")
        page.fill("#id_body", "Replacement buses run from Kingsbridge every 15 minutes. Next update 11:30.")
        page.click("button:has-text('Post update')")
        page.wait_for_timeout(4000)
        page.goto(f"{base}/playbooks/crises/{drill}/report/")
        page.screenshot(path=out / "drill-report.png")
        page.click("button:has-text('Close the crisis')")

        crisis = activate(page, base, drill=False)
        tick(page, 3)
        page.screenshot(path=out / "room-checklist.png")
        for tab in ("outbound", "departments", "hub"):
            page.goto(f"{base}/playbooks/crises/{crisis}/{tab}/")
            page.wait_for_timeout(300)
            page.screenshot(path=out / f"room-{tab}.png")
        page.goto(f"{base}/playbooks/crises/{crisis}/print/")
        page.screenshot(path=out / "print-running.png", full_page=True)
        page.goto(f"{base}/playbooks/crises/{crisis}/")
        page.click("button:has-text('Move to aftermath')")
        page.goto(f"{base}/playbooks/crises/{crisis}/outbound/")
        page.screenshot(path=out / "room-outbound-aftermath.png")
        page.goto(f"{base}/playbooks/roster/")
        page.screenshot(path=out / "roster.png")
        page.goto(f"{base}/playbooks/crises/{crisis}/")
        page.click("button:has-text('Close the crisis')")
        browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], Path(sys.argv[3] if len(sys.argv) > 3 else "docs/screenshots"))
