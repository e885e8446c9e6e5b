from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden
from core.events import CrisisState
from core.roles import LEADS, STAFF, Role, has_role, roles_of

from .audit import MILESTONES
from .models import SKILL_TOPICS, AuditEntry, ChecklistTask, Crisis, OrganisationState, RosterEntry


def active_crisis() -> Crisis | None:
    state = OrganisationState.objects.select_related("active_crisis__scenario").filter(pk=1).first()
    return state.active_crisis if state else None


def active_crisis_id() -> int | None:
    return OrganisationState.objects.filter(pk=1).values_list("active_crisis_id", flat=True).first()


def topic_keywords(crisis: Crisis | None = None) -> dict[str, list[str]]:
    """The scenario's extra triage keywords per topic, for the given or the active crisis."""
    crisis = crisis if crisis is not None else active_crisis()
    if crisis is None:
        return {}
    raw = crisis.scenario.topic_keywords or {}
    return {str(topic): [str(word).lower() for word in words] for topic, words in raw.items() if words}


def crisis_mode_on() -> bool:
    """True while a real (not drill) crisis is active: the publisher must stay silent."""
    return OrganisationState.objects.filter(pk=1, active_crisis__is_drill=False).exists()


def crisis_mode_on_shared_lock() -> bool:
    """crisis_mode_on(), holding a share lock on the state row until the transaction ends: the
    switch (which locks the row for update) waits for whatever runs under it, and whatever
    runs under it after the switch sees crisis mode on. Call inside a transaction."""
    OrganisationState.objects.get_or_create(pk=1)  # a lock needs the row (a fresh install has none)
    with connection.cursor() as cursor:
        # Table names from the models; nothing from a request.
        cursor.execute(
            f"SELECT c.is_drill FROM {OrganisationState._meta.db_table} s"  # nosec B608
            f" LEFT JOIN {Crisis._meta.db_table} c ON c.id = s.active_crisis_id"
            " WHERE s.id = 1 FOR SHARE OF s"
        )
        row = cursor.fetchone()
    return row is not None and row[0] is False


def drill_running() -> bool:
    """True while a drill is the active crisis: nothing may reach a platform."""
    return OrganisationState.objects.filter(pk=1, active_crisis__is_drill=True).exists()


def drill_crisis_ids(crisis_ids: set[int]) -> set[int]:
    """Which of these crises are drills."""
    return set(Crisis.objects.filter(pk__in=crisis_ids, is_drill=True).values_list("pk", flat=True))


def crisis_state(crisis: Crisis | None) -> CrisisState:
    if crisis is None:
        return {"mode": "normal", "crisis_id": None, "title": "", "activated_at": None, "phase": None}
    return {
        "mode": "drill" if crisis.is_drill else "crisis",
        "crisis_id": crisis.pk,
        "title": crisis.title,
        "activated_at": crisis.activated_at.isoformat(),
        "phase": crisis.phase,
    }


def checklist_progress(crisis: Crisis) -> dict[str, Any]:
    now = timezone.now()
    totals = crisis.tasks.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(done_at__isnull=False)),
        overdue=Count("id", filter=Q(done_at__isnull=True, due_at__lt=now)),
    )
    departments = (
        crisis.tasks.annotate(department_label=Coalesce("department__name", "department_name"))
        .values("department_label")
        .annotate(total=Count("id"), left=Count("id", filter=Q(done_at__isnull=True)))
        .order_by(F("department__order").asc(nulls_last=True), "department_label")
    )
    return {**totals, "departments": list(departments)}


def may_read_audit(user: Any) -> bool:
    """The whole audit trail (every tick, who changed what, before and after) is for leads and
    admins; other staff see the crisis's milestones."""
    return has_role(user, LEADS)


def may_read_contacts(user: Any) -> bool:
    """Department contacts (names, phones, emails) are for the organisation's own staff: not for
    an outside team's members, skilled or not. Leads and admins always."""
    if has_role(user, LEADS):
        return True
    if not has_role(user, STAFF):
        return False
    entry = _roster_entry(user)
    return entry is None or not entry.outside_team


def check_audit_reader(user: Any) -> None:
    if not may_read_audit(user):
        raise Forbidden(_("Only a comms lead or an admin can read the audit trail."), code="audit")


def timeline(crisis: Crisis | None, limit: int = 12, *, reader: Any) -> list[AuditEntry]:
    """The latest entries: all of them for a lead or admin, the milestones for other staff."""
    entries = AuditEntry.objects.select_related("actor")
    if crisis is not None:
        entries = entries.filter(crisis=crisis)
    if not may_read_audit(reader):
        entries = entries.filter(kind__in=MILESTONES)
    return list(entries[:limit])


def may_tick(user: Any, task: ChecklistTask) -> bool:
    """Leads and admins tick or reopen any checklist item; other staff only those of a
    department they are a member of (Department.members)."""
    if has_role(user, LEADS):
        return True
    if not has_role(user, STAFF) or task.department_id is None:
        return False
    return task.department.members.filter(pk=user.pk).exists()


def tickable_departments(user: Any) -> set[int] | None:
    """The departments whose items this user may tick; None: every one (leads and admins)."""
    if has_role(user, LEADS):
        return None
    if not has_role(user, STAFF):
        return set()
    return set(user.departments.values_list("pk", flat=True))


def task_payload(task: ChecklistTask) -> dict[str, Any]:
    """One checklist task as the live checklist shows it (core.events.ChecklistTaskPayload)."""
    done_by = None
    if task.done_at is not None:
        done_by = task.done_by.get_username() if task.done_by_id else "automated"
    return {
        "id": task.pk,
        "done": task.done_at is not None,
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "done_by": done_by,
        "automated": bool(task.action),
    }


@dataclass(frozen=True)
class RosterFacts:
    """What tiers and routing ask of someone's roster entry."""

    outside_team: str
    skilled: bool
    skills: tuple[str, ...]
    languages: str


_NOT_ON_ROSTER = object()
_ROSTER_FACTS = ("outside_team", "skilled", "skills", "languages")


def roster_facts_sql() -> str:
    """The caller's RosterFacts as one JSON array (NULL when not on the roster), over the user's
    row u: read with the user (core.auth.read_with_user), not by a query of its own."""
    meta = RosterEntry._meta
    fields = ", ".join(f"r.{meta.get_field(name).column}" for name in _ROSTER_FACTS)
    user = meta.get_field("user").column
    # Table and column names from the model
    return f"(SELECT json_build_array({fields})::text FROM {meta.db_table} r WHERE r.{user} = u.id)"  # nosec B608


def remember_roster_facts(user: Any, value: str | None) -> None:
    if value is None:
        user._roster_entry = _NOT_ON_ROSTER
        return
    user._roster_entry = _facts(json.loads(value))


def _facts(row: list[Any] | tuple[Any, ...]) -> RosterFacts:
    outside_team, skilled, skills, languages = row
    return RosterFacts(outside_team, skilled, tuple(skills or ()), languages)


def _roster_entry(user: Any) -> RosterFacts | None:
    """The user's roster facts: read with the user, else once per request (the queue's "next"
    asks twice)."""
    cached = getattr(user, "_roster_entry", None)
    if cached is None:
        row = RosterEntry.objects.filter(user=user).values_list(*_ROSTER_FACTS).first()
        cached = user._roster_entry = _NOT_ON_ROSTER if row is None else _facts(row)
    return None if cached is _NOT_ON_ROSTER else cached


def is_outside_team(user: Any) -> bool:
    """On the roster with an outside (agency, overseas) team not marked skilled: limited to
    first-line work. An outside team the lead marked skilled may take expert work."""
    if not getattr(user, "is_authenticated", False):
        return False
    entry = _roster_entry(user)
    return entry is not None and bool(entry.outside_team) and not entry.skilled


@dataclass(frozen=True)
class Strengths:
    """What routing prefers to hand someone: mention topics their skills cover, their languages."""

    topics: frozenset[str]
    languages: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.topics or self.languages)


def strengths(user: Any) -> Strengths:
    """The roster's skills and languages of this user (nothing when they are not on it)."""
    entry = _roster_entry(user) if getattr(user, "is_authenticated", False) else None
    if entry is None:
        return Strengths(frozenset(), frozenset())
    topics = frozenset().union(*(SKILL_TOPICS.get(skill, frozenset()) for skill in entry.skills))
    languages = frozenset(code.strip().lower() for code in entry.languages.split(",") if code.strip())
    return Strengths(topics, languages)


def is_first_line_only(user: Any) -> bool:
    """Volunteers and outside teams take first-line work only (acknowledge, apologise, point to the hub)."""
    held = roles_of(user)
    if held & {Role.LEAD, Role.ADMIN}:
        return False
    return (Role.VOLUNTEER in held and Role.AGENT not in held) or (bool(held) and is_outside_team(user))
