"""Link every existing checklist task to its department by the name it was opened with.

A separate migration from the schema change (0007): PostgreSQL refuses to alter a table
with pending trigger events in the same transaction. A name that matches no department
(deleted, or renamed since the crisis) leaves the task unlinked; it keeps its name.
"""

from collections.abc import Iterable, Mapping

from django.db import migrations
from django.db.models import OuterRef, Subquery


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def match_departments(task_names: Iterable[str], departments: Mapping[str, int]) -> dict[str, int]:
    """Department id for each task department name: the department of exactly that name, or else
    the only one whose name differs from it just in case or spacing. Names with no (or no single)
    match are left out."""
    by_normal: dict[str, list[int]] = {}
    for name, pk in departments.items():
        by_normal.setdefault(_normal(name), []).append(pk)
    links = {}
    for name in set(task_names):
        if name in departments:
            links[name] = departments[name]
        elif len(by_normal.get(_normal(name), [])) == 1:
            links[name] = by_normal[_normal(name)][0]
    return links


def link_tasks(apps, schema_editor):
    ChecklistTask = apps.get_model("playbooks", "ChecklistTask")
    Department = apps.get_model("playbooks", "Department")
    unlinked = ChecklistTask.objects.filter(department__isnull=True)
    names = unlinked.values_list("department_name", flat=True).distinct()
    departments = dict(Department.objects.values_list("name", "pk"))
    for name, department_id in match_departments(names, departments).items():
        unlinked.filter(department_name=name).update(department_id=department_id)


def keep_current_names(apps, schema_editor):
    # Going back to the text column: a linked task takes its department's name of today.
    ChecklistTask = apps.get_model("playbooks", "ChecklistTask")
    Department = apps.get_model("playbooks", "Department")
    name = Department.objects.filter(pk=OuterRef("department_id")).values("name")[:1]
    ChecklistTask.objects.filter(department__isnull=False).update(department_name=Subquery(name))


class Migration(migrations.Migration):

    dependencies = [
        ('playbooks', '0007_checklisttask_department_fk'),
    ]

    operations = [
        migrations.RunPython(link_tasks, keep_current_names),
    ]
