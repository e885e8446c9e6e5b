from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crisiscenter.roles import LEADS, STAFF, has_role, role_required
from social.selectors import outbound_state, outbound_to_hold
from triage.selectors import queue_stats

from . import services
from .forms import ActivationForm
from .models import Scenario
from .selectors import active_crisis, checklist_progress, timeline


@role_required(*STAFF)
def overview(request: HttpRequest) -> HttpResponse:
    crisis = active_crisis()
    context = {
        "queue": queue_stats(),
        "outbound": outbound_state(crisis.pk if crisis else None),
        "checklist": checklist_progress(crisis) if crisis else None,
        "timeline": timeline(crisis),
        "hub_updates": crisis.hub_updates.all()[:1] if crisis else [],
    }
    return render(request, "playbooks/overview.html", context)


@role_required(*STAFF)
def crisis_room(request: HttpRequest) -> HttpResponse:
    crisis = active_crisis()
    context = {
        "tasks": crisis.tasks.select_related("done_by") if crisis else [],
        "checklist": checklist_progress(crisis) if crisis else None,
        "updates": crisis.hub_updates.all() if crisis else [],
        "scenarios": Scenario.objects.prefetch_related("checklist_items"),
        "can_tick": has_role(request.user, STAFF),
    }
    return render(request, "playbooks/crisis_room.html", context)


@role_required(*LEADS)
def switch(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation with what will happen. POST: activate."""
    if active_crisis() is not None and request.method == "GET":
        return redirect("crisis_room")
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.activate(
            scenario=form.cleaned_data["scenario"], by=request.user, drill=form.cleaned_data["drill"]
        )
        if result.created:
            messages.success(request, f"{'Drill' if result.crisis.is_drill else 'Crisis mode'} is on.")
        else:
            messages.info(request, "Crisis mode was already on; nothing was changed.")
        return redirect("overview")
    context = {
        "form": form,
        "outbound": outbound_to_hold(),
        "scenarios": Scenario.objects.prefetch_related("checklist_items"),
        "hub_url": f"{settings.PUBLIC_BASE_URL}/hub/",
    }
    return render(request, "playbooks/switch.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(*LEADS)
def deactivate(request: HttpRequest) -> HttpResponse:
    crisis = services.deactivate(by=request.user)
    if crisis is None:
        messages.info(request, "There was no active crisis.")
    else:
        messages.success(request, f"{crisis} has ended. Held posts stay held until you release them.")
    return redirect("overview")


@require_POST
@role_required(*STAFF)
def toggle_task(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        services.set_task_done(task_id=task_id, by=request.user, done=request.POST.get("done") == "1")
    except services.NotInActiveCrisis as exc:
        messages.error(request, str(exc))
    return redirect("crisis_room")
