"""Screenshots of every page as a user sees them, in headless Chromium.

    .venv/bin/python scripts/screenshots.py http://localhost:8000 PASSWORD [OUT_DIR]

Expects the demo data (make run). Activates a crisis as `lead` if none is on.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def main(base: str, password: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        lead = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        login(lead, base, "lead", password)
        if lead.locator("a", has_text="Activate crisis mode").count():
            lead.screenshot(path=out / "overview-normal.png")
            lead.click("text=Activate crisis mode")
            lead.screenshot(path=out / "switch.png")
            lead.click("button:has-text('Activate')")
        lead.wait_for_timeout(1500)
        lead.screenshot(path=out / "overview-crisis.png")
        lead.goto(f"{base}/playbooks/")
        lead.screenshot(path=out / "crisis-room.png")

        agent = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        login(agent, base, "agent", password)
        agent.goto(f"{base}/triage/")
        agent.wait_for_selector("#rows li")
        agent.keyboard.press("j")
        agent.wait_for_timeout(300)
        agent.screenshot(path=out / "queue.png")

        public = browser.new_context(
            viewport={"width": 390, "height": 844}, java_script_enabled=False
        ).new_page()
        public.goto(f"{base}/hub/")
        public.screenshot(path=out / "hub-phone.png", full_page=True)
        desktop = browser.new_context(
            viewport={"width": 1366, "height": 768}, java_script_enabled=False
        ).new_page()
        desktop.goto(f"{base}/hub/")
        desktop.screenshot(path=out / "hub.png")
        browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], Path(sys.argv[3] if len(sys.argv) > 3 else "docs/screenshots"))
