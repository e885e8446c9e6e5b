from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from command import flows
from command.crisis_room import views as room_views
from core.roles import LEADS, STAFF, has_role, role_required
from hubpage.selectors import hub_crisis, next_update_status, write_status
from playbooks import practice
from playbooks.forms import ActivationForm
from playbooks.models import Crisis, Scenario
from playbooks.selectors import active_crisis, checklist_progress, may_read_audit, timeline
from social import health
from social.broadcast import postable_accounts
from social.selectors import holding_crisis_ids, outbound_state, outbound_to_hold
from triage.selectors import queue_stats
from triage.tiers import reach


@role_required(*STAFF)
def overview(request: HttpRequest) -> HttpResponse:
    crisis = active_crisis()
    outbound = outbound_state(crisis.pk if crisis else None)
    due, overdue = next_update_status(hub_crisis())
    is_lead = has_role(request.user, LEADS)
    context = {
        "crisis": crisis,
        "queue": queue_stats(reach=reach(request.user), with_alerts=is_lead),
        # External hiccups (rule 4): a platform or connector down is said here, for everyone.
        "outages": health.outages(),
        # The public page behind the database (a failed write being retried): said until written.
        "hub_write": write_status(),
        # Practising the plan (rules 1 and 6): plans never drilled, drills missed, plans gone
        # stale, reviews due once the team has rested; the lead's to act on.
        "plan_flags": practice.plan_flags() if is_lead else [],
        # The hub panel's "next update due in N min" / "overdue by N min" (aware datetime or None).
        "hub_next_update": due,
        "hub_next_update_overdue": overdue,
        "outbound": outbound,
        # After a close: the crises whose posts and ads are still held, each linked to its release list.
        "holding": [] if crisis else Crisis.objects.filter(pk__in=holding_crisis_ids()[:5]).order_by("-pk"),
        "outbound_failed": outbound["campaigns"]["failed"] + outbound["native_posts"]["failed"],
        "checklist": checklist_progress(crisis) if crisis else None,
        "timeline": timeline(crisis, reader=request.user),
        "may_read_audit": may_read_audit(request.user),
        "hub_updates": crisis.hub_updates.all()[:1] if crisis else [],
        "next_update_at": due,
        # Minutes until the promised update, negative once it is overdue: amber under 5, red past it.
        # An update posted after the promised time kept the promise: nothing is overdue then.
        "next_update_minutes": (
            None
            if due is None or (due <= timezone.now() and not overdue)
            else round((due - timezone.now()).total_seconds() / 60)
        ),
    }
    return render(request, "playbooks/overview.html", context)


@role_required(*STAFF)
def crisis_room(request: HttpRequest) -> HttpResponse:
    """The active crisis's Checklist tab; without one, the scenarios ready and past crises."""
    crisis = active_crisis()
    if crisis is not None:
        return room_views.checklist_tab(request, crisis)
    context = {
        "scenarios": Scenario.objects.prefetch_related("checklist_items", "departments"),
        "recent": Crisis.objects.select_related("scenario")[:10],
    }
    return render(request, "playbooks/crisis_room.html", context)


@role_required(*LEADS)
def switch(request: HttpRequest) -> HttpResponse:
    """GET: the confirmation with what will happen. POST: activate."""
    if active_crisis() is not None and request.method == "GET":
        return redirect("crisis_room")
    form = ActivationForm(request.POST or None)
    if request.method == "GET":
        request.session["switch_opened_at"] = timezone.now().isoformat()
    if request.method == "POST" and form.is_valid():
        result = flows.activate(
            scenario=form.cleaned_data["scenario"],
            by=request.user,
            drill=form.cleaned_data["drill"],
            demo_stream_minutes=form.cleaned_data["demo_stream_minutes"] or 0,
            switch_opened_at=_opened_at(request),
            broadcast=form.cleaned_data["broadcast"],
            call_roster=form.cleaned_data["call_roster"],
        )
        if result.created:
            messages.success(
                request, gettext("Drill is on.") if result.crisis.is_drill else gettext("Crisis mode is on.")
            )
        else:
            messages.info(request, gettext("Crisis mode was already on; nothing was changed."))
        return redirect("overview")
    context = {
        "form": form,
        "outbound": outbound_to_hold(),
        "scenarios": Scenario.objects.prefetch_related("checklist_items__department", "departments"),
        "hub_url": f"{settings.PUBLIC_BASE_URL}/hub/",
        "broadcast_accounts": postable_accounts().count(),
    }
    return render(request, "playbooks/switch.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(*LEADS)
def deactivate(request: HttpRequest) -> HttpResponse:
    crisis = flows.deactivate(by=request.user)
    if crisis is None:
        messages.info(request, gettext("There was no active crisis."))
    else:
        messages.success(
            request,
            gettext("{crisis} has ended. Held posts stay held until you release them.").format(crisis=crisis),
        )
    return redirect("overview")


def _opened_at(request: HttpRequest):
    """When this lead opened the switch page (for the drill report), if it was in the last hour."""
    raw = request.session.pop("switch_opened_at", None)
    opened = parse_datetime(raw) if isinstance(raw, str) else None
    if opened is None or not timezone.now() - timedelta(hours=1) < opened <= timezone.now():
        return None
    return opened
