"""The audit trail is append-only, in code and in the database, and readable per crisis."""

import pytest
from django.db import DatabaseError, connection, transaction

from command import flows
from playbooks import audit, services
from playbooks.append_only import AppendOnlyError
from playbooks.models import AuditEntry, AuditKind, ChecklistTask
from playbooks.review import add_action_item, set_action_item_done
from tests.review_helpers import closed_drill, logged_in

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_or_deleted(scenario, lead):
    flows.activate(scenario=scenario, by=lead)
    entry = AuditEntry.objects.filter(kind=AuditKind.ACTIVATED).get()
    entry.description = "Nothing happened"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(description="Nothing happened")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    # Not even around Django: the database refuses too.
    for sql in (
        "UPDATE playbooks_auditentry SET description = 'Nothing happened'",
        "DELETE FROM playbooks_auditentry",
        # (deferred foreign-key checks of this test's transaction run first, as a commit would)
        "SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE playbooks_auditentry",
        "SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE playbooks_auditentry CASCADE",
        # Nor by keeping the link to the user away while rewriting the name beside it.
        "UPDATE playbooks_auditentry SET actor_id = NULL, actor_name = 'someone else'",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).description.startswith("Crisis activated")


def test_a_removed_user_leaves_the_trail_intact(scenario, lead, agent):
    flows.activate(scenario=scenario, by=lead)
    task = ChecklistTask.objects.first()
    task.department.members.add(agent)  # agents tick their own department's items
    services.set_task_done(task_id=task.pk, by=agent, done=True)
    before = AuditEntry.objects.count()
    agent.delete()
    entry = AuditEntry.objects.get(kind=AuditKind.TASK_DONE)
    assert entry.actor is None and entry.description.endswith("done")
    assert AuditEntry.objects.count() == before
    # Who did it stays on the entry, in the timeline and the review's API.
    assert entry.actor_name == "ade_agent" and entry.who == "ade_agent"
    crisis = entry.crisis
    page = logged_in(lead).get(f"/playbooks/crises/{crisis.pk}/timeline/")
    assert "by ade_agent" in page.content.decode()


def test_timeline_shows_every_change_with_before_and_after(scenario, lead):
    crisis = closed_drill(scenario, lead)
    item = add_action_item(crisis_id=crisis.pk, by=lead, title="Faster <legal> review", owner_name="Legal")
    set_action_item_done(crisis_id=crisis.pk, item_id=item.pk, by=lead, done=True)
    page = logged_in(lead).get(f"/playbooks/crises/{crisis.pk}/timeline/")
    text = page.content.decode()
    assert page.status_code == 200
    for described in ("Drill activated", "Hub page published", "Drill ended", "Action item done"):
        assert described in text
    assert "Faster &lt;legal&gt; review" in text and "<legal>" not in text
    # before/after as a small table: Done  no -> yes
    assert '<th scope="row">Done</th><td class="before">no</td><td class="after">yes</td>' in text
    assert f"by {lead.username}" in text


def test_timeline_filters_by_kind(scenario, lead):
    crisis = closed_drill(scenario, lead)
    page = logged_in(lead).get(f"/playbooks/crises/{crisis.pk}/timeline/", {"kind": ["deactivated"]})
    text = page.content.decode()
    assert "Drill ended" in text and "Hub page published</span>" not in text
    assert "1 entry (filtered)" in text


def test_readable_values():
    assert audit.show(None) == "—" and audit.show(True) == "yes" and audit.show(["a", "b"]) == "a, b"
    assert audit.show("2026-11-25T09:30:00+00:00") == "25 Nov 2026 09:30"
    assert audit.changes({"before": {"phase": "closed"}, "after": {"phase": "reviewed"}}) == [
        audit.Change("Phase", "closed", "reviewed")
    ]
    assert audit.changes({"task": 3}) == []
    assert audit.extras({"task": 3, "before": {}}) == [("Checklist item", "3")]
