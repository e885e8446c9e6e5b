"""Screenshots of the report pages on a realistic past crisis, in headless Chromium at 1366x768.

    DEBUG=1 DEMO_PASSWORD=... .venv/bin/python scripts/report_screenshots.py [OUT_DIR]

Uses DATABASE_URL (migrates it, runs seed_demo, adds one closed crisis with a three-day
tail and an aftermath peak if it is not there yet), serves it with runserver on a free
port, and writes crisis-report*.png and period-report.png.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
TITLE = "Signal failure at Kingsbridge (report demo)"


def seed() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from playbooks.models import AuditEntry, AuditKind, Crisis, Phase, Scenario
    from triage.ingest import build_mention, normalise
    from triage.models import Mention, MentionStatus, Reply, ReplyStatus
    from triage.scoring import ScoringRules
    from triage.simulation import make_mention

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True)
    existing = Crisis.objects.filter(title=TITLE).first()
    if existing:
        return existing.pk
    rng = random.Random(7)
    start = (timezone.now() - timedelta(days=9)).replace(hour=7, minute=40, second=0, microsecond=0)
    crisis = Crisis.objects.create(
        scenario=Scenario.objects.first(),
        title=TITLE,
        summary="Trains stopped for six hours.",
        activated_at=start,
        ended_at=start + timedelta(hours=9),
        phase=Phase.CLOSED,
    )
    AuditEntry.objects.create(
        at=start + timedelta(hours=6),
        crisis=crisis,
        kind=AuditKind.TASK_DONE,
        description="Crisis moved to aftermath",
        details={"before": "active", "after": "aftermath"},
    )
    users = list(get_user_model().objects.filter(username__in=["lead", "agent", "volunteer"]))
    rules = ScoringRules(influencer_followers=settings.INFLUENCER_FOLLOWERS)
    mentions, brand = [], frozenset({"northlinerail"})
    for hour in range(72):  # a first wave, a quiet night, then the refund questions two days later
        rate = 260 * 0.55 ** max(0, hour - 2) + (170 * 0.6 ** abs(hour - 50) if hour > 30 else 0) + 4
        for _ in range(int(rate * rng.uniform(0.8, 1.2))):
            at = start + timedelta(hours=hour, seconds=rng.uniform(0, 3600))
            item, _ = normalise(make_mention(rng, hour * 60 + (400 if hour > 30 else 0), at))
            mention = build_mention(item, now=at, rules=rules, watchlist={}, brand=brand)
            mention.crisis = crisis if at < crisis.ended_at else None
            mentions.append(mention)
    Mention.objects.bulk_create(mentions, batch_size=2000)
    replies = []
    for mention in Mention.objects.filter(pk__in=[m.pk for m in mentions]):
        roll = rng.random()
        if roll < 0.72:
            delay = timedelta(seconds=rng.lognormvariate(6.2, 0.9))
            replies.append(
                Reply(
                    mention=mention,
                    author=rng.choice(users),
                    text="Sorry, see our hub page.",
                    created_at=mention.ingested_at + delay,
                    status=ReplyStatus.SENT,
                )
            )
            mention.status = MentionStatus.RESOLVED if roll < 0.5 else MentionStatus.REPLIED
            mention.resolved_by = rng.choice(users) if roll < 0.5 else None
        elif roll < 0.8:
            mention.status = MentionStatus.DISMISSED
        else:
            continue
        mention.save(update_fields=["status", "resolved_by"])
    Reply.objects.bulk_create(replies, batch_size=2000)
    print(f"seeded crisis {crisis.pk}: {len(mentions)} mentions, {len(replies)} replies")
    return crisis.pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shoot(base: str, crisis_id: int, password: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "scripts"))
    from screenshots import ARGS, CHROMIUM, login

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme, suffix in (("light", ""), ("dark", "-dark")):
            context = browser.new_context(viewport={"width": 1366, "height": 768}, color_scheme=scheme)
            page = context.new_page()
            login(page, base, "lead", password)
            page.goto(f"{base}/triage/reports/crisis/{crisis_id}/")
            page.screenshot(path=out / f"crisis-report{suffix}.png")
            if not suffix:
                page.screenshot(path=out / "crisis-report-full.png", full_page=True)
                page.emulate_media(media="print")
                page.screenshot(path=out / "crisis-report-print.png", full_page=True)
                page.emulate_media(media="screen")
                page.goto(f"{base}/triage/reports/")
                page.screenshot(path=out / "period-report.png")
        browser.close()
    print(f"screenshots written to {out}")


def main() -> None:
    password = os.environ.get("DEMO_PASSWORD") or sys.exit("set DEMO_PASSWORD")
    crisis_id = seed()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT
    )
    try:
        time.sleep(3)
        out = Path(sys.argv[1] if len(sys.argv) > 1 else "var/shots")
        shoot(f"http://127.0.0.1:{port}", crisis_id, password, out)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
