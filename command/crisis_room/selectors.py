"""What the crisis room tabs show: read-only selectors for one crisis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from playbooks import practice
from playbooks.models import ChecklistTask, Contact, Crisis, Department, NotificationDelivery, Scenario
from social.models import Platform, PlatformAccount


@dataclass(frozen=True)
class DepartmentGroup:
    name: str
    tasks: list[ChecklistTask]
    done: int


def _department_order(task: ChecklistTask) -> tuple[int, str]:
    # Departments in their own order (Department.Meta.ordering); a deleted one's tasks last.
    dept = task.department
    return (dept.order, dept.name) if dept is not None else (10**6, task.department_name)


def checklist_by_department(crisis: Crisis) -> list[DepartmentGroup]:
    """The checklist run grouped by department, in the departments' own order."""
    groups: dict[tuple[int, str], list[ChecklistTask]] = {}
    for task in crisis.tasks.select_related("done_by", "department"):
        groups.setdefault(_department_order(task), []).append(task)
    return [
        DepartmentGroup(name, tasks, sum(1 for t in tasks if t.done_at))
        for (_, name), tasks in sorted(groups.items(), key=lambda kv: kv[0])
    ]


def departments_with_deliveries(crisis: Crisis, *, with_contacts: bool) -> list[dict[str, Any]]:
    """Each department of the crisis with its notifications; its contacts only `with_contacts`
    (playbooks.selectors.may_read_contacts), else None."""
    deliveries: dict[int, list[NotificationDelivery]] = {}
    for d in NotificationDelivery.objects.filter(crisis=crisis):
        deliveries.setdefault(d.department_id, []).append(d)
    rows = []
    for dept in crisis.scenario.departments.prefetch_related("contacts"):
        contacts = list(dept.contacts.all())
        rows.append(
            {
                "department": dept,
                "contacts": contacts if with_contacts else None,
                "has_contacts": bool(contacts),
                "deliveries": deliveries.get(dept.pk, []),
            }
        )
    return rows


@dataclass(frozen=True)
class PrintItem:
    title: str
    owner_role: str
    due_label: str
    automated: str
    done: bool


def printable(scenario: Scenario, crisis: Crisis | None = None, *, with_contacts: bool) -> dict[str, Any]:
    """The desk-drawer checklist: by department, due as an offset (or a clock time for a running
    crisis). Who to call, and the call tree, only `with_contacts` (may_read_contacts)."""

    groups: dict[str, list[PrintItem]] = {}
    if crisis is not None:
        for t in crisis.tasks.select_related("department"):
            due = f"{timezone.localtime(t.due_at):%H:%M}" if t.due_at else ""
            groups.setdefault(t.department_label, []).append(
                PrintItem(
                    t.title, t.owner_role, due, t.get_action_display() if t.action else "", bool(t.done_at)
                )
            )
    else:
        for item in scenario.checklist_items.select_related("department"):
            due = f"+{item.due_minutes} min" if item.due_minutes is not None else ""
            groups.setdefault(item.department.name, []).append(
                PrintItem(
                    item.title, item.owner_role, due, item.get_action_display() if item.action else "", False
                )
            )
    departments = Department.objects.filter(name__in=groups).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("-on_call", "name"))
    )
    order = {d.name: d for d in departments}
    return {
        "scenario": scenario,
        "crisis": crisis,
        "groups": sorted(
            groups.items(), key=lambda kv: (order[kv[0]].order if kv[0] in order else 10**6, kv[0])
        ),
        "contacts": [(d.name, d.contacts.all()[:2]) for d in departments] if with_contacts else [],
        "contacts_hidden": not with_contacts,
        # When this system is down (rule 4): every department's people by phone, on-call first,
        # so the sheet in the drawer still says who calls whom.
        "fallback_tree": [
            (d, list(d.contacts.all()))
            for d in Department.objects.prefetch_related(
                Prefetch("contacts", queryset=Contact.objects.order_by("-on_call", "name"))
            )
        ]
        if with_contacts
        else [],
        # Learning (rule 6): what past reviews left open, and every account the organisation runs.
        "lessons": practice.lessons(scenario),
        "accounts": list(PlatformAccount.objects.exclude(platform=Platform.GENERIC)),
    }
