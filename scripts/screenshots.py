"""Every README screenshot, from one seeded state, in headless Chromium at 1366x768.

    DEBUG=1 DEMO_PASSWORD=... .venv/bin/python scripts/screenshots.py [OUT_DIR]

Uses DATABASE_URL and REDIS_URL: migrates, runs seed_demo, adds a closed past crisis with
a three-day tail (scripts/report_screenshots.py), a closed drill with its review, then a
live crisis with a mention stream, hub updates, ticked items and room messages. Starts a
Celery worker and the ASGI server on a free port, shoots every staff page as lead, agent
and volunteer in light and dark, and the hub page on a phone with JavaScript off. All
shots go to OUT_DIR (default var/shots); the ones the README links are copied to
docs/screenshots/.
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

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
DRILL_TITLE = "Kingsbridge drill (screenshots)"


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _users():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.get(username="lead"), users.get(username="agent"), users.get(username="volunteer")


def _tick(crisis, by, count: int) -> None:
    from playbooks.models import ChecklistTask
    from playbooks.services import set_task_done

    for task in ChecklistTask.objects.filter(crisis=crisis, done_at__isnull=True).order_by("pk")[:count]:
        set_task_done(task_id=task.pk, by=by, done=True)


def seed_drill(scenario) -> int:
    """A drill run with a hub update and room messages, then closed (its drill report)."""
    from command import flows
    from hubpage.services import post_update
    from playbooks.chat import services as rooms
    from playbooks.models import Crisis

    lead, agent, _ = _users()
    existing = Crisis.objects.filter(title=DRILL_TITLE).first()
    if existing:
        return existing.pk
    drill = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    Crisis.objects.filter(pk=drill.pk).update(title=DRILL_TITLE)
    time.sleep(3)  # the worker ticks the automated items
    _tick(drill, lead, 4)
    post_update(body="Drill: replacement buses run from Kingsbridge every 15 minutes.", by=lead)
    rooms.post_message(
        crisis_id=drill.pk, room="team", by=lead, body="Drill started. Agents, take P1s first."
    )
    rooms.post_message(crisis_id=drill.pk, room="team", by=agent, body="On it. Holding statement is out.")
    flows.move_phase(crisis_id=drill.pk, to="closed", by=lead)
    return drill.pk


def seed_review(crisis_id: int) -> None:
    """Both review meetings written and two action items, on the closed past crisis."""
    from django.utils import timezone

    from playbooks import review
    from playbooks.models import MeetingKind, Review

    lead, _, _ = _users()
    if Review.objects.filter(crisis_id=crisis_id).exists():
        return
    now = timezone.now()
    notes = {
        MeetingKind.SOCIAL_TEAM: review.MeetingNotes(
            held_at=now,
            attendees="lead, agent, volunteer",
            worked="Posts and ads were held within a minute. The holding statement went out first.",
            did_not_work="Two agents answered the same journalist. Nobody owned the refund FAQ.",
            differently="Claim before replying. Legal drafts the refund FAQ in the first hour.",
            next_steps="Refund FAQ template; tier training for volunteers.",
        ),
        MeetingKind.ORGANISATION: review.MeetingNotes(
            held_at=now,
            attendees="Comms, Legal, Operations, IT",
            worked="Departments were notified by email and chat within two minutes.",
            did_not_work="Operations could not reach the hub editor.",
            differently="Give Operations an editor login before the next drill.",
            next_steps="Quarterly drill, next one in March.",
        ),
    }
    for kind, meeting in notes.items():
        review.save_meeting(crisis_id=crisis_id, kind=kind, by=lead, notes=meeting)
    review.add_action_item(
        crisis_id=crisis_id,
        by=lead,
        title="Refund FAQ template",
        owner_name="Legal",
        due_on=(now + timedelta(days=14)).date(),
    )
    review.add_action_item(
        crisis_id=crisis_id,
        by=lead,
        title="Hub editor login for Operations",
        owner_name="IT",
        due_on=(now + timedelta(days=7)).date(),
    )


def _work_the_queue(crisis, agent, volunteer) -> None:
    """Agents at work: some mentions resolved (the capacity panel's pace), one held by the volunteer."""
    from triage import services as triage
    from triage.models import Mention

    mentions = list(Mention.objects.filter(crisis=crisis, status="new").order_by("-score")[:120])
    for mention in mentions[40:110]:
        triage.claim(mention_id=mention.pk, agent=agent)
        triage.resolve(mention_id=mention.pk, agent=agent)
    for mention in mentions[-2:]:
        try:
            triage.claim(mention_id=mention.pk, agent=volunteer)
        except triage.QueueError as exc:  # a tier the volunteer may not take
            print(f"volunteer cannot claim {mention.pk}: {exc}")


def seed_live(scenario) -> int:
    """A real crisis on now: a stream of mentions, hub updates, ticks and room messages."""
    from django.utils import timezone

    from command import flows
    from hubpage.services import ensure_content, post_update, set_page_options
    from playbooks.chat import services as rooms
    from playbooks.selectors import active_crisis

    lead, agent, volunteer = _users()
    crisis = active_crisis()
    if crisis is not None:
        return crisis.pk
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    subprocess.run(
        [sys.executable, "manage.py", "simulate_crisis", "--speed", "0", "--count", "900", "--seed", "3"],
        cwd=ROOT,
        check=True,
    )
    time.sleep(4)  # the worker scores the batches and ticks the automated items
    post_update(
        body="Trains between Kingsbridge and Harbour Street are stopped after a signal failure. "
        "Replacement buses run every 15 minutes from the station forecourt.",
        by=lead,
    )
    post_update(body="Tickets for today are valid tomorrow; refunds are open from 14:00.", by=lead)
    set_page_options(crisis=crisis, next_update_at=timezone.now() + timedelta(minutes=9), keep_public=False)
    ensure_content(crisis)
    _tick(crisis, lead, 3)
    _work_the_queue(crisis, agent, volunteer)
    for by, room, body in (
        (
            lead,
            "team",
            "P1s first, journalists before anyone else. Legal cleared the holding statement.",
        ),
        (agent, "team", "I have the @cityNews thread. Refund questions are piling up."),
        (volunteer, "care", "Someone asks if the 11:40 to Harbour Street runs. What do I answer?"),
        (agent, "care", "Point them to the hub page: buses every 15 min from the forecourt."),
    ):
        rooms.post_message(crisis_id=crisis.pk, room=room, by=by, body=body)
    return crisis.pk


def seed() -> dict[str, int]:
    import report_screenshots

    past = report_screenshots.seed()  # migrate, seed_demo and the past crisis
    from django.utils import timezone

    from triage.models import Mention, MentionStatus

    # Nine days on, the past crisis's threads are closed: today's queue is today's.
    old = Mention.objects.filter(ingested_at__lt=timezone.now() - timedelta(days=1))
    old.filter(status=MentionStatus.NEW).update(status=MentionStatus.DISMISSED)
    old.filter(status=MentionStatus.REPLIED).update(status=MentionStatus.RESOLVED)
    from playbooks.models import Scenario

    scenario = Scenario.objects.order_by("pk").first()
    seed_review(past)
    return {"past": past, "drill": seed_drill(scenario), "scenario": scenario.pk}


def shoot_quiet(base: str, password: str, out: Path) -> None:
    """Normal mode: the overview and the switch confirmation, with everything still to hold."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport=LAPTOP).new_page()
        login(page, base, "lead", password)
        page.screenshot(path=out / "overview-normal.png")
        page.goto(f"{base}/playbooks/switch/")
        page.screenshot(path=out / "switch.png")
        browser.close()


def end_live(crisis_id: int) -> None:
    """Close the live crisis and release what it held, so the next run starts from normal."""
    from playbooks.models import Crisis
    from social.services import resume_outbound

    if Crisis.objects.filter(pk=crisis_id, phase__in=["closed", "reviewed"]).exists():
        resume_outbound(crisis_id=crisis_id)


def shoot(base: str, ids: dict[str, int], password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    live, drill, past = ids["live"], ids["drill"], ids["past"]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme, sfx in (("light", ""), ("dark", "-dark")):
            context = browser.new_context(viewport=LAPTOP, color_scheme=scheme)
            page = context.new_page()
            login(page, base, "lead", password)

            def at(path: str, name: str, *, full: bool = False, wait: int = 600, page=page, sfx=sfx) -> None:
                page.goto(f"{base}{path}")
                page.wait_for_timeout(wait)
                page.screenshot(path=out / f"{name}{sfx}.png", full_page=full)

            at("/", "overview-crisis", wait=1500)
            at("/triage/", "queue-lead", wait=1500)
            for tab, path in (
                ("checklist", f"/playbooks/crises/{live}/"),
                ("outbound", f"/playbooks/crises/{live}/outbound/"),
                ("departments", f"/playbooks/crises/{live}/departments/"),
                ("hub", f"/playbooks/crises/{live}/hub/"),
                ("rooms", f"/playbooks/crises/{live}/rooms/"),
                ("chat", f"/playbooks/crises/{live}/rooms/team/"),
                ("audit-trail", f"/playbooks/crises/{live}/timeline/"),
            ):
                at(path, tab if tab == "audit-trail" else f"room-{tab}")
            at(f"/playbooks/crises/{past}/review/", "review")
            at(f"/playbooks/crises/{drill}/report/", "drill-report")
            at("/playbooks/roster/", "roster")
            at("/playbooks/reviews/", "reviews")
            at("/social/health/", "connectors-light" if not sfx else "connectors")
            at("/triage/reports/", "period-report")
            at(f"/triage/reports/crisis/{past}/", "crisis-report")
            at("/hub/edit/", "hub-editor")
            at(f"/playbooks/crises/{live}/print/", "print-checklist", full=True)
            at(f"/playbooks/crises/{past}/review/print/", "review-print", full=True)
            if not sfx:
                at(f"/triage/reports/crisis/{past}/", "crisis-report-full", full=True)
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.screenshot(path=out / f"focus{sfx}.png")
            context.close()

            for who in ("agent", "volunteer"):
                context = browser.new_context(viewport=LAPTOP, color_scheme=scheme)
                page = context.new_page()
                login(page, base, who, password)
                page.wait_for_timeout(1000)
                page.screenshot(path=out / f"overview-{who}{sfx}.png")
                page.goto(f"{base}/triage/")
                page.wait_for_selector("#rows li")
                page.keyboard.press("j")
                page.wait_for_timeout(800)
                page.screenshot(path=out / f"queue{'' if who == 'agent' else '-' + who}{sfx}.png")
                context.close()

            for name, viewport in (("hub-phone", PHONE), ("hub-laptop", LAPTOP)):
                context = browser.new_context(
                    viewport=viewport, color_scheme=scheme, java_script_enabled=False
                )
                page = context.new_page()
                page.goto(f"{base}/hub/")
                page.screenshot(path=out / f"{name}{sfx}.png", full_page=name == "hub-phone")
                context.close()

        # Aftermath, then closed: the next run starts in normal mode.
        context = browser.new_context(viewport=LAPTOP)
        page = context.new_page()
        login(page, base, "lead", password)
        page.goto(f"{base}/playbooks/crises/{live}/")
        page.click("button:has-text('Move to aftermath')")
        page.goto(f"{base}/playbooks/crises/{live}/outbound/")
        page.screenshot(path=out / "room-outbound-aftermath.png")
        page.goto(f"{base}/playbooks/crises/{live}/")
        page.click("button:has-text('Close the crisis')")
        browser.close()
    print(f"screenshots written to {out}")


def copy_linked(out: Path) -> None:
    """Copy the shots README.md links into docs/screenshots/."""
    import re

    docs = ROOT / "docs" / "screenshots"
    for name in sorted(set(re.findall(r"docs/screenshots/([\w.-]+\.png)", (ROOT / "README.md").read_text()))):
        if (out / name).exists():
            shutil.copy(out / name, docs / name)
        else:
            print(f"README links {name}, not taken")


def main() -> None:
    password = os.environ.get("DEMO_PASSWORD") or sys.exit("set DEMO_PASSWORD")
    from report_screenshots import free_port

    port = free_port()
    env = {**os.environ, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crisiscenter", "worker", "-l", "warning", "-c", "2"],
        cwd=ROOT,
        env=env,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "crisiscenter.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        ids = seed()  # sets Django up
        from playbooks.models import Scenario
        from playbooks.selectors import active_crisis

        base = f"http://127.0.0.1:{port}"
        out = Path(sys.argv[1] if len(sys.argv) > 1 else "var/shots")
        if active_crisis() is None:
            shoot_quiet(base, password, out)
        ids["live"] = seed_live(Scenario.objects.get(pk=ids["scenario"]))
        print(f"seeded: {ids}")
        shoot(base, ids, password, out)
        end_live(ids["live"])
        copy_linked(out)
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(20)


if __name__ == "__main__":
    main()
