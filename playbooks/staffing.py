"""The volunteer roster: who from other teams (or outside teams) can help, and their training."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.roles import LEADS, role_required, roles_of

from .models import RosterEntry, Scenario, TrainingState


def roster_rows(scenarios: list[Scenario]) -> list[dict]:
    rows = []
    entries = RosterEntry.objects.select_related("user").prefetch_related("training", "user__groups")
    for entry in entries:
        states = {r.scenario_id: r for r in entry.training.all()}
        rows.append(
            {
                "entry": entry,
                "roles": sorted(r.value for r in roles_of(entry.user)),
                "training": [states.get(s.pk) for s in scenarios],
                "trained": sum(1 for r in states.values() if r.state == TrainingState.TRAINED),
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
