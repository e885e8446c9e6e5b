"""A drill from switch to printed review, in Chromium: rooms live, review written, crisis reviewed."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from playbooks.models import Crisis, Phase
from triage.models import Mention, Reply, ReplyStatus

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XSS = '<img src=x onerror="window.__xss = 1"><script>window.__xss = 2</script>'


def shots(tmp_path) -> Path:
    # SCREENSHOTS_DIR=docs/screenshots keeps them for the README; otherwise they are thrown away.
    return Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)


def some_traffic(crisis: Crisis, agent) -> None:
    """Mentions and replies during the drill, so the review has figures to show."""
    start = crisis.activated_at - timedelta(minutes=50)
    for n in range(24):
        arrived = start + timedelta(minutes=4 * n)
        mention = Mention.objects.create(
            crisis=crisis,
            platform="x",
            external_id=f"drill-{n}",
            created_at=arrived,
            ingested_at=arrived,
            text=["Is anyone hurt on the 08:14?", "When will trains run again?", "Refund please"][n % 3],
            author_handle=["kingsbridgetimes", "janedoe", "commuter_kate", "bob"][n % 4],
            author_followers=[120_000, 48_200, 1_300, 90][n % 4],
            score=60 - n,
            band=1 + n % 4,
            topic=["safety", "schedule", "refund"][n % 3],
            sla_due_at=arrived + timedelta(minutes=15),
            queue_key=arrived,
        )
        if n % 4 != 3:
            Reply.objects.create(
                mention=mention,
                author=agent,
                text="We're sorry",
                status=ReplyStatus.SENT,
                created_at=arrived + timedelta(minutes=3 + 2 * (n % 7)),
            )


def test_lead_runs_a_drill_talks_in_the_room_and_closes_with_a_review(
    browser, asgi_server, lead, agent, scenario, tmp_path
):
    base, out = asgi_server, shots(tmp_path)

    # The lead starts a drill through the confirmation.
    room = login(browser, base, lead)
    room.click("text=Activate crisis mode…")
    room.check("#id_drill")
    room.click("button:has-text('Activate')")
    expect(room.locator("#statebar")).to_have_attribute("data-mode", "drill")
    crisis = Crisis.objects.get()

    # The team room: the agent reads what the lead writes, live and as plain text.
    chat_url = f"{base}/playbooks/crises/{crisis.pk}/rooms/team/"
    reader = login(browser, base, agent)
    reader.goto(chat_url)
    expect(reader.locator("#conn")).to_have_text("● live")
    room.goto(chat_url)
    expect(room.locator("#conn")).to_have_text("● live")
    for text in (
        "Hub page is up. Legal, statement by 10:30 please.",
        "Replacement buses from Alder Vale at 10:45",
    ):
        room.fill("#id_body", text)
        room.keyboard.press("Enter")
        expect(reader.locator("#messages li .body").last).to_have_text(text)
    expect(room.locator("#id_body")).to_have_value("")
    reader.fill("#id_body", "On it: pinning the hub link on every channel now.\nRefund questions are rising.")
    reader.click("#compose button[type=submit]")
    expect(room.locator("#messages li").last).to_contain_text("Refund questions are rising.")
    room.screenshot(path=out / "room.png")
    room.fill("#id_body", XSS)
    room.keyboard.press("Enter")
    expect(reader.locator("#messages li .body").last).to_have_text(XSS)
    assert reader.evaluate("window.__xss") is None and room.evaluate("window.__xss") is None
    reader.reload()  # the server-rendered history shows it escaped too
    expect(reader.locator("#messages li .body").last).to_have_text(XSS)
    assert reader.evaluate("window.__xss") is None

    # A checklist item is ticked, then the drill ends.
    room.goto(f"{base}/playbooks/")
    room.click("button[aria-label='Mark done: Hold posts']")
    some_traffic(crisis, agent)
    room.goto(f"{base}/")
    room.click("summary:has-text('End drill')")
    room.click("button:has-text('End it now')")
    expect(room.locator("#statebar")).to_have_attribute("data-mode", "normal")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.CLOSED

    # The review: two meetings, action items, completed.
    room.goto(f"{base}/playbooks/reviews/")
    room.click(f"a[href='/playbooks/crises/{crisis.pk}/review/']")
    expect(room.locator("#review-status")).to_contain_text("Review open")
    expect(room.locator(".review-auto")).to_contain_text("Drill activated")
    expect(room.locator("#h-timings + table")).to_contain_text("Hold posts")
    held = timezone.localtime(timezone.now() - timedelta(days=1))
    social = room.locator("#meeting-social_team")
    social.locator("input[type=datetime-local]").fill(f"{held:%Y-%m-%dT}10:00")
    social.get_by_label("Who attended").fill("Lena (lead), Ade, Vic")
    social.get_by_label("What worked?").fill(
        "Hub page live in four minutes; the team room kept everyone in step."
    )
    social.get_by_label("What did not work?").fill("Legal took 50 minutes to approve the holding statement.")
    social.get_by_label("What would we do differently?").fill("Pre-approve holding statements per scenario.")
    social.get_by_label("What do we do now?").fill("Update the rail scenario; rehearse in January.")
    social.locator("button[type=submit]").click()
    expect(room.locator(".messages")).to_contain_text("Social team meeting notes saved")
    org = room.locator("#meeting-organisation")
    org.locator("input[type=datetime-local]").fill(f"{held:%Y-%m-%dT}15:00")
    org.get_by_label("Who attended").fill("Comms, Legal, Operations, IT, HR, Customer service")
    org.get_by_label("What worked?").fill("Departments were notified at once.")
    org.locator("button[type=submit]").click()
    expect(room.locator(".messages")).to_contain_text("Whole organisation meeting notes saved")

    form = room.locator(".action-form")
    form.get_by_label("Action").fill("Pre-approve a holding statement for every scenario")
    form.get_by_label("…or owner's name").fill("Priya (Legal)")
    form.get_by_label("Changes scenario").select_option(label=scenario.name)
    form.locator("input[type=date]").fill("2026-12-15")
    form.locator("button[type=submit]").click()
    room.locator(".action-form").get_by_label("Action").fill("Book the January rehearsal")
    room.locator(".action-form").get_by_label("Owner (user)").select_option(label=agent.username)
    room.locator(".action-form button[type=submit]").click()
    expect(room.locator(".actions-table tbody tr")).to_have_count(2)
    room.click("button[aria-label='Mark done: Book the January rehearsal']")
    expect(room.locator(".actions-table tr.done")).to_contain_text("Book the January rehearsal")
    room.screenshot(path=out / "review.png")
    room.screenshot(path=out / "review-full.png", full_page=True)

    room.click("summary:has-text('Complete review')")
    room.click("button:has-text('Complete it')")
    expect(room.locator("#review-status")).to_contain_text("Review complete")
    expect(room.locator(".roommeta .phase[data-phase]")).to_have_text("Reviewed")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.REVIEWED

    # The audit trail shows it all, with before and after.
    room.click("nav.tabs >> text=Audit trail")
    expect(room.locator(".trail-entry").last).to_contain_text("Review completed")
    expect(room.locator(".trail-entry").last.locator("td.after").first).to_have_text("reviewed")
    room.screenshot(path=out / "timeline.png")

    # The print view: a document, nothing to click, on A4.
    room.goto(f"{base}/playbooks/crises/{crisis.pk}/review/print/")
    expect(room.locator("h1")).to_have_text(crisis.title)
    expect(room.locator("main")).to_contain_text("Pre-approve a holding statement for every scenario")
    expect(room.locator("main")).to_contain_text("Legal took 50 minutes")
    room.emulate_media(media="print")
    expect(room.locator(".noprint")).to_be_hidden()
    room.screenshot(path=out / "review-print.png", full_page=True)
    pdf = room.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 2
    (out / "review-print.pdf").write_bytes(pdf)
