"""A crisis's checklist tasks link to their departments: a renamed department keeps its open tasks
(checklist tab, overview, printable, notification, audit), a deleted one's tasks keep its old name;
tasks from before the link are linked by name (migration 0008)."""

import importlib

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from command import flows
from command.crisis_room.selectors import checklist_by_department, printable
from playbooks import notify, services
from playbooks.models import AuditEntry, ChecklistItem, Department
from playbooks.selectors import checklist_progress
from tests.factories import ContactFactory

linking = importlib.import_module("playbooks.migrations.0008_link_checklist_tasks_to_departments")

DEPARTMENTS = {"Legal": 1, "Social care": 2, "IT": 3, "It support": 4, "Comms": 5, "COMMS ": 6}


@pytest.mark.parametrize(
    ("task_name", "linked_to"),
    [
        ("Legal", 1),  # the same name
        ("social care", 2),  # case differs
        ("  Social   care ", 2),  # spacing differs
        ("IT", 3),
        ("it support", 4),
        ("Comms", 5),  # the exact name wins over a case-and-spacing twin
        ("comms", None),  # two departments match apart from case and spacing: neither is guessed
        ("Legal dept", None),  # renamed or deleted since: left unlinked
        ("", None),
    ],
)
def test_migration_links_a_task_name_to_one_department_or_none(task_name, linked_to):
    links = linking.match_departments([task_name], DEPARTMENTS)
    assert links.get(task_name) == linked_to


def test_migration_matches_each_distinct_name_once():
    names = ["Legal", "Legal", "legal", "Gone"]
    assert linking.match_departments(names, DEPARTMENTS) == {"Legal": 1, "legal": 1}


@pytest.mark.django_db(transaction=True)
def test_migration_links_existing_tasks_by_name_and_back():
    before, after = (
        [("playbooks", "0006_audit_kinds")],
        [("playbooks", "0008_link_checklist_tasks_to_departments")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        department = apps.get_model("playbooks", "Department").objects.create(name="Social care")
        scenario = apps.get_model("playbooks", "Scenario").objects.create(
            name="S", hub_title="t", hub_summary="s"
        )
        crisis = apps.get_model("playbooks", "Crisis").objects.create(
            scenario=scenario, title="c", summary="s", activated_at="2026-11-23T10:00:00Z"
        )
        Task = apps.get_model("playbooks", "ChecklistTask")
        for title, name in [("hold posts", "social care"), ("call lawyers", "Legal")]:
            Task.objects.create(crisis=crisis, title=title, department=name)

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        Task = executor.loader.project_state(after).apps.get_model("playbooks", "ChecklistTask")
        rows = dict(Task.objects.values_list("title", "department_id"))
        assert rows == {"hold posts": department.pk, "call lawyers": None}
        assert Task.objects.get(title="call lawyers").department_name == "Legal"  # kept

        executor = MigrationExecutor(connection)
        executor.migrate(before)  # back to text: a linked task takes its department's name
        Task = executor.loader.project_state(before).apps.get_model("playbooks", "ChecklistTask")
        assert dict(Task.objects.values_list("title", "department")) == {
            "hold posts": "Social care",
            "call lawyers": "Legal",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def crisis(db, lead, scenario):
    return flows.activate(scenario=scenario, by=lead).crisis


def test_activation_links_each_task_to_its_department(crisis):
    task = crisis.tasks.get(title="Review statement")
    assert task.department == Department.objects.get(name="Legal")
    assert task.department_name == "Legal"


def test_renaming_a_department_keeps_its_open_tasks(settings, crisis, lead, agent):
    Department.objects.filter(name="Legal").update(name="Legal & compliance")
    legal = Department.objects.get(name="Legal & compliance")
    task = crisis.tasks.get(title="Review statement")
    assert list(legal.checklist_tasks.filter(done_at__isnull=True)) == [task]

    # The checklist tab, the overview's progress and the printable checklist use the new name.
    groups = {g.name: [t.title for t in g.tasks] for g in checklist_by_department(crisis)}
    assert groups["Legal & compliance"] == ["Review statement"] and "Legal" not in groups
    client = Client()
    client.force_login(agent)
    page = client.get(f"/playbooks/crises/{crisis.pk}/").content.decode()
    assert "Legal &amp; compliance <span" in page
    progress = {d["department_label"]: d["left"] for d in checklist_progress(crisis)["departments"]}
    assert progress["Legal & compliance"] == 1
    assert (
        dict(printable(crisis.scenario, crisis, with_contacts=True)["groups"])["Legal & compliance"][0].title
        == "Review statement"
    )

    # The department's notification lists its tasks.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ContactFactory(department=legal, name="Helen Park", email="legal.duty@example.org")
    notify.notify_departments(crisis.pk)
    [message] = [m for m in mail.outbox if m.to == ["legal.duty@example.org"]]
    assert "Legal & compliance's checklist:\n- Review statement" in message.body

    services.set_task_done(task_id=task.pk, by=lead, done=True)
    assert AuditEntry.objects.filter(description="Legal & compliance: Review statement done").exists()


def test_a_deleted_departments_tasks_keep_its_name_and_come_last(crisis, agent):
    ChecklistItem.objects.filter(department__name="Legal").delete()
    Department.objects.get(name="Legal").delete()
    task = crisis.tasks.get(title="Review statement")
    assert task.department is None and task.department_label == "Legal"
    groups = checklist_by_department(crisis)
    assert [g.name for g in groups][-1] == "Legal" and groups[-1].tasks == [task]
    client = Client()
    client.force_login(agent)
    for tab in ("", "print/", "report/"):
        page = client.get(f"/playbooks/crises/{crisis.pk}/{tab}").content.decode()
        assert "Legal" in page and "Review statement" in page, tab
