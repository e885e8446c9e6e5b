"""Screenshots of the screens issue 16 added last (hub page behind, skilled helpers, outside drill
participants, the roster call-in, a drill ended by a real activation), in headless Chromium at
1366x768 and 390x844.

    DEBUG=1 DEMO_PASSWORD=... .venv/bin/python -m crisiscenter.embedded -- \\
        .venv/bin/python scripts/skilled_screenshots.py [OUT_DIR]

Seeds the demo organisation, runs a drill with an outside participant, ends it with a real
activation, calls the roster in (one answers), and records a failed hub page write so the
warning shows; then shoots the pages as the lead, as a volunteer, and logged out (the guest's
link, the roster call-in link).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")

SIZES = {"": (1366, 768), "-phone": (390, 844)}
LINKED = [
    "hub-behind",
    "drill-ended-by-real",
    "guest-room",
    "training",
    "jump-seat",
    "roster-skills",
    "huddle-roster",
]


def seed(port: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from command import flows
    from hubpage.models import HubWrite
    from playbooks import callin, guests
    from playbooks.models import RosterEntry, Scenario
    from playbooks.selectors import active_crisis

    call_command("migrate", verbosity=0)
    call_command("seed_demo")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_BASE_URL = f"http://127.0.0.1:{port}"
    users = get_user_model().objects
    lead = users.get(username="lead")
    if active_crisis() is not None:
        flows.deactivate(by=lead)
    for entry in RosterEntry.objects.select_related("user"):
        entry.user.email = entry.user.email or f"{entry.user.username}@northline.example"
        entry.user.save()
    scenario = Scenario.objects.get(name="Rail signal failure")
    scenario.huddle_agenda = "What we know, what we do not (Operations)\nWho speaks for us\nNext update time"
    scenario.next_drill_at = timezone.now() + timedelta(days=12)
    scenario.save()
    drill = flows.activate(scenario=scenario, by=lead, drill=True, call_roster=False).crisis
    guest = guests.invite(
        crisis=drill, name="Ana Duty", organisation="City airport operations", hours=48, by=lead
    )
    guests.invite(crisis=drill, name="Sam Okoro", organisation="Fire and rescue service", hours=24, by=lead)
    guests.guest_for(guests.link_for(guest).rstrip("/").rsplit("/", 1)[1])
    real = flows.activate(scenario=scenario, by=lead, call_roster=False).crisis
    callin.call_in(real.pk)
    calls = list(real.roster_calls.all())
    callin.acknowledge(callin.ack_url(calls[0]).rstrip("/").rsplit("/", 1)[1])
    HubWrite.objects.bulk_create([HubWrite(pk=1)], ignore_conflicts=True)
    HubWrite.objects.filter(pk=1).update(
        version=F("written_version") + 3,
        changed_at=timezone.now(),
        failed_at=timezone.now(),
        attempts=4,
        error="[Errno 28] No space left on device: '/var/lib/crisiscenter/hub/public/.index.html.x1'",
    )
    return {
        "drill": drill.pk,
        "scenario": scenario.pk,
        "real": real.pk,
        "guest": guests.link_for(guest),
        "callin": callin.ack_url(calls[-1]),
    }


def _login(browser, base: str, size, username: str, password: str):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def shoot(base: str, ids: dict, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    as_lead = {
        "hub-behind": "/",
        "hub-behind-room": f"/playbooks/crises/{ids['real']}/hub/",
        "huddle-roster": f"/playbooks/crises/{ids['real']}/",
        "drill-ended-by-real": f"/playbooks/crises/{ids['drill']}/report/",
        "roster-skills": "/playbooks/roster/",
        "switch-roster": "/playbooks/switch/",
        "plan-share": f"/playbooks/scenarios/{ids['scenario']}/print/",
    }
    as_volunteer = {"training": "/triage/", "jump-seat": "/playbooks/jump-seat/"}
    anonymous = {"guest-room": ids["guest"], "guest-hub": ids["guest"] + "hub/", "callin": ids["callin"]}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for sfx, size in SIZES.items():
            for user, pages in (("lead", as_lead), ("volunteer", as_volunteer)):
                context, page = _login(browser, base, size, user, password)
                for name, path in pages.items():
                    page.goto(f"{base}{path}")
                    page.wait_for_timeout(400)
                    page.screenshot(path=out / f"{name}{sfx}.png", full_page=True)
                context.close()
            context = browser.new_context(viewport={"width": size[0], "height": size[1]})
            page = context.new_page()
            for name, url in anonymous.items():
                page.goto(url)
                page.wait_for_timeout(300)
                page.screenshot(path=out / f"{name}{sfx}.png", full_page=True)
            context.close()
        browser.close()


def main() -> None:
    from practices_screenshots import serve_and_shoot

    serve_and_shoot(seed, shoot, LINKED, "var/shots-skilled")


if __name__ == "__main__":
    main()
