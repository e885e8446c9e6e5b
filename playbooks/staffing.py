"""The volunteer roster: who from other teams (or outside teams) can help, and their training."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.roles import LEADS, role_required, roles_of

from .models import RosterEntry, Scenario, Skill, TrainingState


def local_time(entry: RosterEntry, now: datetime | None = None) -> datetime | None:
    """The time where they are, for follow-the-sun cover (None without a time zone)."""
    if not entry.time_zone:
        return None
    return (now or timezone.now()).astimezone(ZoneInfo(entry.time_zone))


def roster_rows(scenarios: list[Scenario]) -> list[dict]:
    rows = []
    now = timezone.now()
    entries = RosterEntry.objects.select_related("user").prefetch_related("training", "user__groups")
    for entry in entries:
        states = {r.scenario_id: r for r in entry.training.all()}
        rows.append(
            {
                "entry": entry,
                "roles": sorted(r.value for r in roles_of(entry.user)),
                "training": [states.get(s.pk) for s in scenarios],
                "trained": sum(1 for r in states.values() if r.state == TrainingState.TRAINED),
                "local_time": local_time(entry, now),
                # Formatted here: a template would turn it back into the server's time zone.
                "local_clock": local.strftime("%H:%M") if (local := local_time(entry, now)) else "",
                "skills": [Skill(code).label for code in entry.skills if code in Skill.values],
                "first_line_only": bool(entry.outside_team) and not entry.skilled,
            }
        )
    return rows


@role_required(*LEADS)
def roster(request: HttpRequest) -> HttpResponse:
    scenarios = list(Scenario.objects.all())
    rows = roster_rows(scenarios)
    context = {
        "scenarios": scenarios,
        "rows": rows,
        "available_now": sum(1 for r in rows if r["entry"].availability == "anytime"),
    }
    return render(request, "playbooks/roster.html", context)
