"""The crisis switch at size: 10,000 scheduled posts and 200 ad campaigns.

    .venv/bin/python bench/switch.py [--posts 10000] [--campaigns 200] [--delay 0.1] [--runs 3]

On a database of its own (crisiscenter_bench_switch; embedded servers when DATABASE_URL /
REDIS_URL are unset), with a real gunicorn and a real Celery worker, against a local
server standing in for the Meta Marketing API that answers every call in --delay seconds:

- switch_commit_ms: from the lead's click (POST /api/v1/crisis/activate/) to its answer,
  which comes after the activation transaction committed (posts held, campaigns pending).
- switch_all_paused_s: from the same click to every campaign confirmed paused on the
  platform (the worker's concurrent calls; polled in the database every 10 ms).
- switch_naive_all_paused_s: a one-by-one implementation of the same switch: each post
  saved in its own UPDATE, then each campaign paused on the platform in turn and saved.

Every process it starts is stopped at the end, on Ctrl-C and on error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench` and `tests` as packages

from bench.harness import (
    Processes,
    bench_run,
    ensure_servers,
    say,
)
from bench.ingest import start_web, start_worker

BENCH_DB = "crisiscenter_bench_switch"
BENCH_LEAD = "bench_lead"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.1, help="the platform's answer time, seconds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--web-workers", type=int, default=2)
    return parser.parse_args()


def seed(args: argparse.Namespace) -> tuple[str, int]:
    """The lead's API token and the scenario id; posts and campaigns at the asked size."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from core import tokens
    from core.roles import Role, grant
    from playbooks.models import ChecklistItem, Department, Scenario
    from social.models import AdCampaign, PlatformAccount, ScheduledPost

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE social_scheduledpost, social_adcampaign, playbooks_auditentry, "
            "playbooks_checklisttask RESTART IDENTITY CASCADE"
        )
        cur.execute("UPDATE playbooks_organisationstate SET active_crisis_id = NULL")
    lead, _ = get_user_model().objects.get_or_create(username=BENCH_LEAD)
    grant(lead, Role.LEAD)
    scenario, _ = Scenario.objects.get_or_create(
        name="Bench: signal failure", defaults={"hub_title": "Disruption", "hub_summary": "Trains stopped."}
    )
    if not scenario.checklist_items.exists():
        comms, _ = Department.objects.get_or_create(name="Comms")
        for order, title in enumerate(["Hold posts", "Pause ads", "Publish hub", "Brief legal"]):
            ChecklistItem.objects.create(scenario=scenario, title=title, department=comms, order=order)
    x, _ = PlatformAccount.objects.get_or_create(platform="x", handle="northlinerail")
    fb, _ = PlatformAccount.objects.get_or_create(platform="facebook", handle="northlinerail")
    start = timezone.now() + timedelta(hours=1)
    ScheduledPost.objects.bulk_create(
        ScheduledPost(
            account=x if i % 2 else fb, text=f"Timetable note {i}", scheduled_for=start + timedelta(minutes=i)
        )
        for i in range(args.posts)
    )
    AdCampaign.objects.bulk_create(
        AdCampaign(account=fb, name=f"Autumn fares {i}", external_id=str(238400 + i))
        for i in range(args.campaigns)
    )
    return tokens.issue(user=lead, name="bench").key, scenario.pk


def reset() -> None:
    """Back to normal with everything scheduled and active again, for the next run."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE playbooks_organisationstate SET active_crisis_id = NULL")
        cur.execute("UPDATE social_scheduledpost SET status = 'scheduled', held_by_id = NULL")
        cur.execute(
            "UPDATE social_adcampaign SET status = 'active', paused_for_id = NULL, pause_state = '', "
            "pause_error = '', pause_started_at = NULL, pause_confirmed_at = NULL"
        )


def campaigns_left() -> int:
    from social.models import AdCampaign, PauseState

    return AdCampaign.objects.exclude(pause_state=PauseState.PAUSED).count()


def click(port: int, token: str, scenario: int) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"scenario": scenario})
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    started = time.perf_counter()
    conn.request("POST", "/api/v1/crisis/activate/", body, headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, started


def product_run(port: int, token: str, scenario: int, platform) -> tuple[float, float]:
    reset()
    platform.requests.clear()
    status, started = click(port, token, scenario)
    committed = time.perf_counter() - started
    if status != 201:
        raise RuntimeError(f"the switch answered {status}")
    while campaigns_left():
        if time.perf_counter() - started > 120:
            raise RuntimeError(f"{campaigns_left()} campaigns still not paused after 120 s")
        time.sleep(0.01)
    return committed * 1000, time.perf_counter() - started


def naive_run(scenario_id: int) -> tuple[float, float]:
    """The same switch written the obvious way: a row at a time, a platform call at a time."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from playbooks.models import Crisis, OrganisationState, Scenario
    from social.connectors import get_connector
    from social.models import AdCampaign, CampaignStatus, PauseState, PostStatus, ScheduledPost

    reset()
    lead, scenario = get_user_model().objects.get(username=BENCH_LEAD), Scenario.objects.get(pk=scenario_id)
    started = time.perf_counter()
    with transaction.atomic():
        crisis = Crisis.objects.create(
            scenario=scenario, title=scenario.hub_title, activated_at=timezone.now(), activated_by=lead
        )
        for post in ScheduledPost.objects.filter(status=PostStatus.SCHEDULED):
            post.status, post.held_by = PostStatus.HELD, crisis
            post.save(update_fields=["status", "held_by"])
        OrganisationState.objects.update_or_create(pk=1, defaults={"active_crisis": crisis})
    committed = time.perf_counter() - started
    for campaign in AdCampaign.objects.select_related("account"):
        get_connector(campaign.account.platform).pause_campaign(external_id=campaign.external_id)
        campaign.status, campaign.paused_for, campaign.pause_state = (
            CampaignStatus.PAUSED,
            crisis,
            PauseState.PAUSED,
        )
        campaign.save(update_fields=["status", "paused_for", "pause_state"])
    return committed * 1000, time.perf_counter() - started


def measure(args: argparse.Namespace, env: dict[str, str], procs: Processes, platform) -> dict[str, float]:
    token, scenario = seed(args)
    say(f"seeded {args.posts} scheduled posts and {args.campaigns} ad campaigns")
    say(f"the platform answers every call in {args.delay * 1000:.0f} ms")
    start_worker(procs, env, concurrency=2)
    _, port = start_web(procs, env, args.web_workers)
    commits, all_paused = [], []
    for run in range(args.runs):
        commit_ms, paused_s = product_run(port, token, scenario, platform)
        calls = len(platform.requests)
        say(f"run {run + 1}: committed in {commit_ms:.0f} ms, all paused in {paused_s:.2f} s ({calls} calls)")
        if calls != args.campaigns:
            raise RuntimeError(f"{calls} platform calls for {args.campaigns} campaigns")
        commits.append(commit_ms)
        all_paused.append(paused_s)
    naive_commit_ms, naive_s = naive_run(scenario)
    say(f"naive: committed in {naive_commit_ms:.0f} ms, all paused in {naive_s:.2f} s")
    return {
        "switch_commit_ms": statistics.median(commits),
        "switch_all_paused_s": statistics.median(all_paused),
        "switch_naive_all_paused_s": naive_s,
    }


def main() -> int:
    args = parse_args()
    ensure_servers()
    from tests.platform_server import PlatformServer

    try:
        with PlatformServer(delay=args.delay) as platform:
            hub_root = tempfile.mkdtemp(prefix="cc-bench-hub-")  # never the dev hub's files
            settings = {"META_GRAPH_BASE": platform.url, "META_PAGE_ACCESS_TOKEN": "bench-page-token",
                        "HUB_ROOT": hub_root}  # fmt: skip
            with bench_run(BENCH_DB, "switch", **settings) as (env, procs):
                results = measure(args, env, procs, platform)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    say(f"RESULT switch_commit_ms {results['switch_commit_ms']:.0f} ms")
    say(f"RESULT switch_all_paused_s {results['switch_all_paused_s']:.2f} s")
    say(f"RESULT switch_naive_all_paused_s {results['switch_naive_all_paused_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
