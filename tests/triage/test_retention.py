"""Retention: past RETENTION_DAYS a mention loses what identifies its author, while each
crisis's report and review read the same; one person's data can be exported and erased."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from command import flows
from playbooks.models import AuditEntry, Crisis
from tests.conftest import mention_item
from triage import retention, teamwork
from triage import services as queue
from triage.ingest import accept_batch, process_batch
from triage.models import Mention, MentionBatch, MentionStatus, Note, Reply, WatchedAuthor
from triage.reports.figures import crisis_figures
from triage.tasks import purge_expired_mentions

pytestmark = pytest.mark.django_db

AUTHORS = [
    ("kate_commuter", "Kate Morgan", "Commuter, mum of two", 1300),
    ("kate_commuter", "Kate Morgan", "Commuter, mum of two", 1300),
    ("kate_commuter", "Kate Morgan", "Commuter, mum of two", 1300),
    ("RailWatchNews", "Rail Watch", "Transport journalist", 52000),
    ("sam_j", "Sam J", "", 40),
    ("sam_j", "Sam J", "", 40),
]


def ingest(items) -> None:
    process_batch(accept_batch(items).pk)


def a_worked_crisis(lead, agent, other_agent, scenario, *, days_ago: int):
    """A closed crisis: six mentions from three authors, answered, tagged, noted, resolved."""
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    ingest(
        [
            mention_item(
                f"17{n}",
                text=f"Is there smoke on the 08:12? I'm stuck at Leeds, seat {n}",
                url=f"https://x.com/{handle}/status/17{n}",
                author={"handle": handle, "name": name, "bio": bio, "followers": followers},
                in_reply_to="1700",
            )
            for n, (handle, name, bio, followers) in enumerate(AUTHORS)
        ]
    )
    m = list(Mention.objects.order_by("external_id"))
    queue.reply(mention_id=m[0].pk, agent=agent, text="Sorry Kate, we're on it: https://example.org/hub")
    queue.resolve(mention_id=m[0].pk, agent=agent)
    queue.reply(mention_id=m[3].pk, agent=other_agent, text="Statement for Rail Watch: see the hub")
    queue.claim(mention_id=m[4].pk, agent=agent)
    queue.dismiss(mention_id=m[5].pk, agent=other_agent)
    teamwork.tag(mention_ids=[m[0].pk, m[1].pk], agent=agent, add=["refund"])
    teamwork.add_note(mention_id=m[0].pk, agent=agent, body="Kate called back, booking ref KX99")
    flows.deactivate(by=lead)
    # Move the whole crisis back in time, as if it happened `days_ago`.
    shift = timedelta(days=days_ago)
    crisis = Crisis.objects.get(pk=crisis.pk)
    Crisis.objects.filter(pk=crisis.pk).update(
        activated_at=crisis.activated_at - shift, ended_at=crisis.ended_at - shift
    )
    for mention in Mention.objects.all():
        Mention.objects.filter(pk=mention.pk).update(
            ingested_at=mention.ingested_at - shift,
            created_at=mention.created_at - shift,
            sla_due_at=mention.sla_due_at - shift,
            queue_key=mention.queue_key - shift,
            claimed_at=mention.claimed_at - shift if mention.claimed_at else None,
            resolved_at=mention.resolved_at - shift if mention.resolved_at else None,
        )
    for answer in Reply.objects.all():
        Reply.objects.filter(pk=answer.pk).update(created_at=answer.created_at - shift)
    MentionBatch.objects.update(received_at=timezone.now() - shift)
    assert AuditEntry.objects.filter(crisis_id=crisis.pk).exists()
    return Crisis.objects.get(pk=crisis.pk)


def comparable(fig):
    return replace(fig, top_mentions=[m.pk for m in fig.top_mentions])


def test_the_crisis_figures_read_the_same_after_the_purge(settings, lead, agent, other_agent, scenario):
    settings.RETENTION_DAYS = 30
    crisis = a_worked_crisis(lead, agent, other_agent, scenario, days_ago=40)
    before = comparable(crisis_figures(crisis.pk))
    assert before.total == 6 and before.answered == 2 and before.tags == {"refund": 2}

    result = retention.purge_expired()

    assert result.anonymised == 6 and result.complete
    after = comparable(crisis_figures(crisis.pk))
    assert after == before
    # The review page and its CSV draw on these figures: the headline numbers are on the page.
    assert Mention.objects.filter(anonymised_at__isnull=False).count() == 6


def test_personal_data_is_gone_and_authors_stay_distinct(settings, lead, agent, other_agent, scenario):
    settings.RETENTION_DAYS = 30
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=40)
    retention.purge_expired()
    rows = list(Mention.objects.order_by("pk"))
    for m in rows:
        assert (m.text, m.url, m.author_name, m.author_bio, m.in_reply_to) == ("", "", "", "", "")
        assert m.external_id == f"anon-{m.pk}" and m.author_handle.startswith("anon-")
        assert all("reason" not in item for item in m.breakdown) and m.breakdown
        assert "kate" not in m.author_handle.lower()
    handles = [m.author_handle for m in rows]
    assert len(set(handles)) == 3  # three authors before, three pseudonymous authors after
    assert handles[0] == retention.pseudonym("x", "KATE_commuter")
    assert set(Note.objects.values_list("body", flat=True)) == {""}
    assert set(Reply.objects.values_list("text", flat=True)) == {""}
    assert all(batch.items == [] for batch in MentionBatch.objects.all())
    # What the figures need is still there.
    assert sorted(Mention.objects.values_list("status", flat=True)) == sorted(
        [
            MentionStatus.RESOLVED,
            MentionStatus.NEW,
            MentionStatus.NEW,
            MentionStatus.REPLIED,
            MentionStatus.CLAIMED,
            MentionStatus.DISMISSED,
        ]
    )


def test_recent_mentions_are_left_alone(settings, lead, agent, other_agent, scenario):
    settings.RETENTION_DAYS = 30
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=10)
    assert retention.purge_expired().anonymised == 0
    assert Mention.objects.filter(author_handle="kate_commuter").count() == 3
    assert Note.objects.get().body.startswith("Kate called back")


def test_the_purge_goes_in_batches_and_the_next_run_carries_on(settings, lead, agent, other_agent, scenario):
    settings.RETENTION_DAYS = 30
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=40)
    first = retention.purge_expired(batch_size=2, max_batches=2)
    assert (first.anonymised, first.complete) == (4, False)
    # Oldest first: what is left is the newest.
    left = Mention.objects.filter(anonymised_at__isnull=True)
    assert left.count() == 2
    assert purge_expired_mentions() == {
        "anonymised": 2,
        "batches_emptied": 0,
        "complete": True,
        "deferred": False,
    }
    assert not Mention.objects.filter(anonymised_at__isnull=True).exists()


# --- one person ------------------------------------------------------------------------
def test_export_person_gives_everything_held_about_one_author(lead, agent, other_agent, scenario):
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=1)
    WatchedAuthor.objects.create(platform="x", handle="kate_commuter", kind="person", note="regular")
    out = io.StringIO()
    call_command("export_person", "--platform", "x", "--handle", "@Kate_Commuter", stdout=out)
    data = json.loads(out.getvalue())
    assert data["platform"] == "x" and len(data["mentions"]) == 3
    first = next(m for m in data["mentions"] if m["external_id"] == "170")
    assert first["author"]["name"] == "Kate Morgan" and first["author"]["bio"] == "Commuter, mum of two"
    assert first["text"].startswith("Is there smoke") and first["url"].startswith(
        "https://x.com/kate_commuter"
    )
    assert first["notes"][0]["body"] == "Kate called back, booking ref KX99"
    assert first["our_replies"][0]["text"].startswith("Sorry Kate")
    assert first["tags"] == ["refund"] and data["watchlist"] == [{"kind": "person", "note": "regular"}]


def test_export_person_to_a_file(tmp_path, lead, agent, other_agent, scenario):
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=1)
    target = tmp_path / "sar.json"
    call_command(
        "export_person", "--platform", "x", "--handle", "sam_j", "--output", str(target), stderr=io.StringIO()
    )
    assert len(json.loads(target.read_text())["mentions"]) == 2


def test_erase_person_anonymises_one_author_whatever_the_age(lead, agent, other_agent, scenario):
    crisis = a_worked_crisis(lead, agent, other_agent, scenario, days_ago=1)
    before = comparable(crisis_figures(crisis.pk))
    WatchedAuthor.objects.create(platform="", handle="kate_commuter", kind="person")
    out = io.StringIO()
    call_command("erase_person", "--platform", "x", "--handle", "kate_commuter", "--no-input", stdout=out)
    assert "3 mentions of @kate_commuter on x anonymised; 1 watchlist entries deleted" in out.getvalue()
    assert not Mention.objects.filter(author_handle__iexact="kate_commuter").exists()
    assert Mention.objects.filter(author_handle="sam_j").count() == 2  # others untouched
    assert not WatchedAuthor.objects.exists()
    export = io.StringIO()
    call_command("export_person", "--platform", "x", "--handle", "kate_commuter", stdout=export)
    assert json.loads(export.getvalue())["mentions"] == []
    assert comparable(crisis_figures(crisis.pk)) == before


def test_person_commands_refuse_an_unknown_platform():
    with pytest.raises(CommandError, match="unknown platform 'myspace'"):
        call_command("export_person", "--platform", "myspace", "--handle", "kate")
    with pytest.raises(CommandError, match="--handle is empty"):
        call_command("erase_person", "--platform", "x", "--handle", "@", "--no-input")


def test_the_scheduled_purge_waits_while_a_crisis_is_on(settings, lead, agent, other_agent, scenario):
    settings.RETENTION_DAYS = 30
    a_worked_crisis(lead, agent, other_agent, scenario, days_ago=40)
    flows.activate(scenario=scenario, by=lead)
    assert purge_expired_mentions()["deferred"] is True
    assert not Mention.objects.filter(anonymised_at__isnull=False).exists()
    flows.deactivate(by=lead)
    assert purge_expired_mentions()["anonymised"] == 6
