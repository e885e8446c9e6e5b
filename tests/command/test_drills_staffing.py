"""Drills (report, demo stream), the volunteer roster and outside teams, and the switch's speed."""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from command import drills, flows
from core.roles import Role
from hubpage.services import post_update
from playbooks import services
from playbooks.models import Crisis, TrainingRecord, TrainingState
from playbooks.selectors import is_first_line_only
from social.models import AdCampaign, PostStatus, ScheduledPost
from tests.conftest import api_for, make_user, mention_item
from tests.factories import PlatformAccountFactory, RosterEntryFactory
from tests.triage.test_queue import load
from triage.models import Mention, MentionBatch

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_drill_report_times_each_step(lead, scenario):
    client = logged_in(lead)
    client.get("/playbooks/switch/")
    client.post("/playbooks/switch/", {"scenario": scenario.pk, "drill": "on"})
    crisis = Crisis.objects.get()
    assert crisis.is_drill and crisis.switch_opened_at is not None
    # As if the drill had started twelve minutes ago.
    Crisis.objects.filter(pk=crisis.pk).update(activated_at=F("activated_at") - timedelta(minutes=12))
    crisis.tasks.update(due_at=F("due_at") - timedelta(minutes=12))
    crisis.refresh_from_db()
    first = crisis.tasks.get(title="Hold posts")
    services.set_task_done(task_id=first.pk, by=lead, done=True)
    post_update(body="Buses from 11:00.", by=lead)
    load(mention_item("d1"), mention_item("d2", text="Is anyone hurt?"))
    report = drills.drill_report(crisis)
    assert report.switch_seconds is not None
    assert report.first_hub_update_label.startswith("12:")
    hold = next(i for i in report.items if i.title == "Hold posts")
    assert hold.done_by == lead.username and hold.late  # due at 5 min, done at 12
    assert hold.done_label.startswith("12:") and hold.due_label == "5:00"
    assert report.queue_by_status == {"new": 2}
    page = client.get(f"/playbooks/crises/{crisis.pk}/report/").content.decode()
    assert "Hold posts" in page and "late" in page and "Drill report" in page


def test_drill_pauses_nothing_and_its_demo_stream_is_tagged_and_bounded(lead, scenario, outbound):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    assert ScheduledPost.objects.filter(status=PostStatus.HELD).count() == 0
    assert not AdCampaign.objects.filter(paused_for__isnull=False).exists()
    naps = []
    sent, left = drills.play_stream(crisis.pk, 0.05, sleep=naps.append)
    assert sent >= 1 and left == 0.0
    assert set(MentionBatch.objects.values_list("source", flat=True)) == {f"drill:{crisis.pk}"}
    flows.deactivate(by=lead)
    assert drills.play_stream(crisis.pk, 60, sleep=naps.append) == (0, 0.0)  # ended: stops at once


def test_switch_page_offers_the_demo_stream(lead, scenario):
    page = logged_in(lead).get("/playbooks/switch/").content.decode()
    assert "Play the demo mention stream for" in page


def test_roster_page_is_for_leads_and_shows_training(lead, agent, scenario):
    helper = make_user("hana_hr", Role.VOLUNTEER)
    entry = RosterEntryFactory(user=helper, team="HR", languages="en, pl", phone="+44 7700 900123")
    TrainingRecord.objects.create(entry=entry, scenario=scenario, state=TrainingState.TRAINED)
    page = logged_in(lead).get("/playbooks/roster/").content.decode()
    assert "hana_hr" in page and "en, pl" in page and "Trained" in page and "+44 7700 900123" in page
    assert logged_in(agent).get("/playbooks/roster/").status_code == 403


def test_outside_team_agents_are_held_to_first_line_work(agent, lead):
    overseas = make_user("omar_overseas", Role.AGENT)
    RosterEntryFactory(user=overseas, team="Care", outside_team="Lisbon contact centre")
    assert is_first_line_only(overseas) and not is_first_line_only(agent) and not is_first_line_only(lead)
    load(mention_item("refund", text="How do I get a refund?", author={"handle": "a", "followers": 5000}))
    refund = Mention.objects.get(external_id="refund")
    assert api_for(overseas).post(f"/api/v1/mentions/{refund.pk}/claim/").status_code == 403
    assert api_for(agent).post(f"/api/v1/mentions/{refund.pk}/claim/").status_code == 200


def test_activation_commits_in_under_a_second_with_10000_posts_and_200_campaigns(lead, scenario):
    account = PlatformAccountFactory(platform="x", handle="northlinerail")
    soon = timezone.now() + timedelta(hours=1)
    ScheduledPost.objects.bulk_create(
        ScheduledPost(account=account, text=f"post {i}", scheduled_for=soon) for i in range(10_000)
    )
    AdCampaign.objects.bulk_create(
        AdCampaign(account=account, name=f"c{i}", external_id=str(i)) for i in range(200)
    )
    started = time.perf_counter()
    result = flows.activate(scenario=scenario, by=lead)
    elapsed = time.perf_counter() - started
    assert (result.posts_held, result.campaigns_paused) == (10_000, 200)
    assert elapsed < 1.0, f"activation took {elapsed:.2f}s"
