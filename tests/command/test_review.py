"""The post-crisis review: only after close, two meetings, action items, completion."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from command import flows
from playbooks.models import ActionItem, AuditEntry, AuditKind, MeetingKind, Phase
from playbooks.review import (
    MeetingNotes,
    ReviewError,
    add_action_item,
    complete_review,
    save_meeting,
    set_action_item_done,
)
from tests.conftest import api_for
from tests.review_helpers import closed_drill, hold_both_meetings, logged_in

pytestmark = pytest.mark.django_db


def test_review_cannot_be_written_while_the_crisis_is_active(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    with pytest.raises(ReviewError, match="opens when the crisis is closed"):
        save_meeting(
            crisis_id=crisis.pk, kind=MeetingKind.SOCIAL_TEAM, by=lead, notes=MeetingNotes(worked="x")
        )
    with pytest.raises(ReviewError, match="opens when the crisis is closed"):
        add_action_item(crisis_id=crisis.pk, by=lead, title="Fix it", owner=lead)
    with pytest.raises(ReviewError):
        complete_review(crisis_id=crisis.pk, by=lead)
    crisis.refresh_from_db()
    assert crisis.phase == Phase.ACTIVE
    page = logged_in(lead).get(f"/playbooks/crises/{crisis.pk}/review/")
    assert page.status_code == 200 and b"The review opens when the crisis is closed" in page.content
    assert b"Complete review" not in page.content


def test_completing_the_review_moves_a_closed_crisis_to_reviewed(scenario, lead):
    crisis = closed_drill(scenario, lead)
    assert crisis.phase == Phase.CLOSED
    hold_both_meetings(crisis, lead)
    complete_review(crisis_id=crisis.pk, by=lead)
    crisis.refresh_from_db()
    assert crisis.phase == Phase.REVIEWED
    assert crisis.review.completed_by == lead
    entry = AuditEntry.objects.get(crisis=crisis, kind=AuditKind.REVIEW_COMPLETED)
    assert entry.actor == lead
    assert entry.details["before"] == {"phase": "closed"} and entry.details["after"]["phase"] == "reviewed"
    with pytest.raises(ReviewError, match="already complete"):
        complete_review(crisis_id=crisis.pk, by=lead)
    with pytest.raises(ReviewError, match="review is complete"):
        save_meeting(crisis_id=crisis.pk, kind=MeetingKind.SOCIAL_TEAM, by=lead, notes=MeetingNotes())


def test_the_review_is_complete_only_once_both_meetings_were_held(scenario, lead):
    crisis = closed_drill(scenario, lead)
    save_meeting(
        crisis_id=crisis.pk,
        kind=MeetingKind.SOCIAL_TEAM,
        by=lead,
        notes=MeetingNotes(held_at=timezone.now(), worked="Quick hub page"),
    )
    with pytest.raises(ReviewError, match="whole organisation meeting"):
        complete_review(crisis_id=crisis.pk, by=lead)
    crisis.refresh_from_db()
    assert crisis.phase == Phase.CLOSED


def test_the_social_team_meets_before_the_whole_organisation(scenario, lead):
    crisis = closed_drill(scenario, lead)
    now = timezone.now()
    save_meeting(crisis_id=crisis.pk, kind=MeetingKind.SOCIAL_TEAM, by=lead, notes=MeetingNotes(held_at=now))
    with pytest.raises(ReviewError, match="social team meets first"):
        save_meeting(
            crisis_id=crisis.pk,
            kind=MeetingKind.ORGANISATION,
            by=lead,
            notes=MeetingNotes(held_at=now - timedelta(hours=1)),
        )


def test_meeting_notes_are_audited_with_before_and_after(scenario, lead):
    crisis = closed_drill(scenario, lead)
    notes = MeetingNotes(worked="Hub page fast", did_not_work="Legal was slow")
    save_meeting(crisis_id=crisis.pk, kind=MeetingKind.SOCIAL_TEAM, by=lead, notes=notes)
    save_meeting(
        crisis_id=crisis.pk,
        kind=MeetingKind.SOCIAL_TEAM,
        by=lead,
        notes=MeetingNotes(worked="Hub page fast", did_not_work="Legal took 50 minutes"),
    )
    save_meeting(  # nothing changed: no entry
        crisis_id=crisis.pk,
        kind=MeetingKind.SOCIAL_TEAM,
        by=lead,
        notes=MeetingNotes(worked="Hub page fast", did_not_work="Legal took 50 minutes"),
    )
    entries = list(AuditEntry.objects.filter(crisis=crisis, kind=AuditKind.REVIEW_MEETING).order_by("id"))
    assert len(entries) == 2
    assert entries[1].details["before"] == {"did_not_work": "Legal was slow"}
    assert entries[1].details["after"] == {"did_not_work": "Legal took 50 minutes"}


def test_action_items_need_an_owner_and_can_change_a_scenario(scenario, lead, agent):
    crisis = closed_drill(scenario, lead)
    with pytest.raises(ReviewError, match="needs an owner"):
        add_action_item(crisis_id=crisis.pk, by=lead, title="Shorter legal sign-off")
    mine = add_action_item(
        crisis_id=crisis.pk, by=lead, title="Pre-approve holding statements", owner=agent, scenario=scenario
    )
    theirs = add_action_item(
        crisis_id=crisis.pk,
        by=lead,
        title="Brief the night shift",
        owner_name="Priya (Operations)",
        due_on=date(2026, 12, 1),
    )
    assert (mine.owner_label, theirs.owner_label) == (agent.username, "Priya (Operations)")
    assert list(scenario.action_items.all()) == [mine]
    set_action_item_done(crisis_id=crisis.pk, item_id=mine.pk, by=lead, done=True)
    done = AuditEntry.objects.get(kind=AuditKind.ACTION_ITEM_DONE)
    assert done.details["before"]["done"] is False and done.details["after"]["done"] is True
    assert AuditEntry.objects.filter(kind=AuditKind.ACTION_ITEM_ADDED, crisis=crisis).count() == 2


def test_action_items_stay_workable_after_the_review_is_complete(scenario, lead):
    crisis = closed_drill(scenario, lead)
    hold_both_meetings(crisis, lead)
    item = add_action_item(crisis_id=crisis.pk, by=lead, title="Update the plan", owner=lead)
    complete_review(crisis_id=crisis.pk, by=lead)
    set_action_item_done(crisis_id=crisis.pk, item_id=item.pk, by=lead, done=True)
    item.refresh_from_db()
    assert item.done_at is not None


def test_lead_writes_the_review_through_the_page(scenario, lead):
    crisis = closed_drill(scenario, lead)
    client = logged_in(lead)
    url = f"/playbooks/crises/{crisis.pk}/review/"
    page = client.get(url)
    for question in (
        "What worked?",
        "What did not work?",
        "What would we do differently?",
        "What do we do now?",
    ):
        assert question.encode() in page.content
    response = client.post(
        f"{url}meetings/social_team/",
        {"social_team-held_at": "2026-11-20T10:00", "social_team-worked": "Drill <b>went</b> well"},
    )
    assert response.status_code == 302
    response = client.post(f"{url}actions/", {"title": "Nobody owns this"})
    assert response.status_code == 400 and b"needs an owner" in response.content
    client.post(
        f"{url}actions/", {"title": "Rehearse again", "owner_name": "Comms team", "due_on": "2026-12-01"}
    )
    page = client.get(url)
    assert b"Drill &lt;b&gt;went&lt;/b&gt; well" in page.content
    assert b"Rehearse again" in page.content and b"Comms team" in page.content
    response = client.post(f"{url}complete/", follow=True)
    assert b"Record when the whole organisation meeting was held" in response.content
    printed = client.get(f"{url}print/")
    assert printed.status_code == 200 and b"Rehearse again" in printed.content


@pytest.mark.parametrize(
    "path",
    ["review/", "review/print/", "timeline/", "rooms/team/", "rooms/care/"],
)
def test_staff_read_outsiders_are_refused_and_anonymous_users_log_in(
    scenario, lead, agent, volunteer, outsider, path
):

    crisis = closed_drill(scenario, lead)
    url = f"/playbooks/crises/{crisis.pk}/{path}"
    for user in (lead, agent, volunteer):
        # The whole audit trail is the leads' (tests/playbooks/test_who_may.py).
        expected = 403 if path == "timeline/" and user != lead else 200
        assert logged_in(user).get(url).status_code == expected, user
    assert logged_in(outsider).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_leads_change_the_review(scenario, lead, agent):
    crisis = closed_drill(scenario, lead)
    base = f"/playbooks/crises/{crisis.pk}/review/"
    client = logged_in(agent)
    assert b"Save social team notes" not in client.get(base).content
    assert client.post(f"{base}meetings/social_team/", {"social_team-worked": "x"}).status_code == 403
    assert client.post(f"{base}actions/", {"title": "x", "owner_name": "y"}).status_code == 403
    assert client.post(f"{base}complete/").status_code == 403
    assert not ActionItem.objects.exists()


def test_review_api_reads_for_staff_and_writes_for_leads(scenario, lead, agent, outsider):
    crisis = closed_drill(scenario, lead)
    url = f"/api/v1/crises/{crisis.pk}/review/"
    body = api_for(agent).get(url).json()
    assert body["status"] == "open" and body["phase"] == "closed"
    assert [m["kind"] for m in body["meetings"]] == ["social_team", "organisation"]
    assert {"total", "answered_share", "volume_by_hour", "top_mentions"} <= set(body["figures"])
    assert [c["title"] for c in body["checklist"]] == ["Hold posts", "Publish hub", "Review statement"]
    assert body["milestones"][0]["kind"] == "activated"
    assert api_for(outsider).get(url).status_code == 403
    assert api_for(None).get(url).status_code in (401, 403)

    items = f"{url}action-items/"
    assert api_for(agent).post(items, {"title": "x", "owner_name": "y"}, format="json").status_code == 403
    refused = api_for(lead).post(items, {"title": "Who?"}, format="json")
    assert refused.status_code == 400 and "owner" in refused.json()["detail"]
    created = api_for(lead).post(
        items,
        {"title": "Faster legal review", "owner": agent.username, "scenario": scenario.pk},
        format="json",
    )
    assert created.status_code == 201 and created.json()["owner_username"] == agent.username
    item_id = created.json()["id"]
    patched = api_for(lead).patch(f"{items}{item_id}/", {"done": True}, format="json")
    assert patched.status_code == 200 and patched.json()["done"] is True
    assert [i["title"] for i in api_for(agent).get(items).json()] == ["Faster legal review"]

    early = api_for(lead).post(f"{url}complete/")
    assert early.status_code == 400 and "meeting" in early.json()["detail"]
    hold_both_meetings(crisis, lead)
    done = api_for(lead).post(f"{url}complete/")
    assert done.status_code == 200 and done.json()["status"] == "complete"


def test_review_api_is_in_the_openapi_document(lead):
    schema = api_for(lead).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/crises/{crisis_id}/review/",
        "/api/v1/crises/{crisis_id}/review/action-items/",
        "/api/v1/crises/{crisis_id}/review/complete/",
    ):
        assert path in schema
