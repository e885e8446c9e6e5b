"""Screenshots of the practice screens (broadcast mode, kick-off huddle, plan flags, outages,
the printable plan), in headless Chromium at 1366x768, 1024x768 and 390x844.

    DEBUG=1 DEMO_PASSWORD=... .venv/bin/python -m crisiscenter.embedded -- \
        .venv/bin/python scripts/practices_screenshots.py [OUT_DIR]

Seeds the demo organisation, activates the rail scenario with its holding post (the demo
connectors publish it), acknowledges two department messages, then shoots the pages as the
lead (and the acknowledgement page as a department contact, logged out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")

SIZES = {"": (1366, 768), "-1024": (1024, 768), "-phone": (390, 844)}
LINKED = ["room-huddle", "room-outbound-broadcast", "overview-plans", "ack", "plan-print"]


def seed(port: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from command import flows
    from playbooks import huddle, notify
    from playbooks.models import Contact, Department, NotificationDelivery, Scenario
    from playbooks.selectors import active_crisis
    from social import broadcast, health

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = f"http://127.0.0.1:{port}"
    lead = get_user_model().objects.get(username="lead")
    if active_crisis() is not None:
        flows.deactivate(by=lead)
    scenario = Scenario.objects.get(name="Rail signal failure")
    scenario.broadcast_text = (
        "Trains between Kingsbridge and Alder Vale are stopped by a signal fault. Everyone on board is "
        "safe. We are sorry: the latest is on our updates page."
    )
    scenario.huddle_call_url = "https://meet.example.org/northline-crisis"
    scenario.huddle_agenda = (
        "What we know, what we do not (Operations)\nWho speaks for us and where\n"
        "Holding post and hub page: check the wording\nNext update and next huddle"
    )
    scenario.next_drill_at = timezone.now() - timedelta(days=3)
    scenario.drill_every_days = 90
    scenario.save()
    for dept in Department.objects.all():
        if not dept.contacts.exists():
            Contact.objects.create(department=dept, name=f"{dept.name} duty", phone="+44 20 7946 0100")
    health.record_error("x", "503 Service Unavailable from api.x.com (POST /2/tweets)")
    crisis = flows.activate(scenario=scenario, by=lead, broadcast=True).crisis
    broadcast.send(crisis_id=crisis.pk)
    notify.notify_departments(crisis.pk)
    first = {}
    for d in NotificationDelivery.objects.filter(crisis=crisis).select_related("department"):
        first.setdefault(d.department.name, d)
    for name in ("Operations", "Legal"):
        if name in first:
            huddle.acknowledge(huddle.ack_url(first[name]).rstrip("/").rsplit("/", 1)[1])
    pending = first.get("IT") or next(iter(first.values()))
    return {"crisis": crisis.pk, "scenario": scenario.pk, "ack": huddle.ack_url(pending)}


def shoot(base: str, ids: dict, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "room-huddle": f"/playbooks/crises/{ids['crisis']}/",
        "room-outbound-broadcast": f"/playbooks/crises/{ids['crisis']}/outbound/",
        "overview-plans": "/",
        "plan-print": f"/playbooks/scenarios/{ids['scenario']}/print/",
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for sfx, (w, h) in SIZES.items():
            context = browser.new_context(viewport={"width": w, "height": h})
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "lead")
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            for name, path in pages.items():
                page.goto(f"{base}{path}")
                page.wait_for_timeout(500)
                page.screenshot(path=out / f"{name}{sfx}.png", full_page=True)
            context.close()
            anonymous = browser.new_context(viewport={"width": w, "height": h})
            page = anonymous.new_page()
            page.goto(ids["ack"])
            page.screenshot(path=out / f"ack{sfx}.png", full_page=True)
            anonymous.close()
        browser.close()


def _wait_for(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit("the server did not start")


def serve_and_shoot(seed, shoot, linked: list[str], default_out: str) -> None:
    """Seed, serve the app on a free port, shoot (argv[1] or `default_out`), copy `linked` into
    docs/screenshots/; shared with skilled_screenshots.py."""
    password = os.environ.get("DEMO_PASSWORD") or sys.exit("set DEMO_PASSWORD")
    from report_screenshots import free_port

    port = free_port()
    env = {**os.environ, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    ids = seed(port)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "crisiscenter.asgi:application", "--port", str(port)],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port)
        out = Path(sys.argv[1] if len(sys.argv) > 1 else default_out)
        shoot(f"http://127.0.0.1:{port}", ids, password, out)
        docs = ROOT / "docs" / "screenshots"
        for name in linked:
            shutil.copy(out / f"{name}.png", docs / f"{name}.png")
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    serve_and_shoot(seed, shoot, LINKED, "var/shots-practices")


if __name__ == "__main__":
    main()
