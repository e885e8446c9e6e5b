"""The crisis room tabs for one crisis: Checklist, Outbound, Departments, Hub; print, drill report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from command import drills, flows
from command.crisis_room import selectors as room
from core.errors import DomainError
from core.roles import LEADS, STAFF, has_role, role_required
from hubpage import selectors as hub_selectors
from playbooks import callin, guests, huddle, services
from playbooks.models import Crisis, Phase, PhaseChange, Scenario
from playbooks.selectors import (
    active_crisis,
    checklist_progress,
    may_read_contacts,
    task_payload,
    tickable_departments,
)
from playbooks.templatetags.crisis_tags import phase_actions
from social import broadcast as social_broadcast
from social.models import BroadcastStatus, PauseState
from social.selectors import outbound_items


def _crisis(crisis_id: int) -> Crisis:
    return get_object_or_404(
        Crisis.objects.select_related("scenario", "activated_by", "ended_by"), pk=crisis_id
    )


def _context(request: HttpRequest, crisis: Crisis, tab: str, **extra) -> dict:
    return {
        "room": crisis,
        "tab": tab,
        "progress": checklist_progress(crisis),
        "phase_actions": phase_actions(crisis) if has_role(request.user, LEADS) else [],
        "phase_changes": PhaseChange.objects.filter(crisis=crisis).select_related("by"),
        "is_active_crisis": active_crisis() == crisis,
        **extra,
    }


def checklist_tab(request: HttpRequest, crisis: Crisis) -> HttpResponse:
    context = _context(
        request,
        crisis,
        "checklist",
        groups=room.checklist_by_department(crisis),
        tickable=tickable_departments(request.user),
        huddle=huddle.card(crisis) if crisis.phase == Phase.ACTIVE else None,
        roster_answers=callin.answers(crisis) if crisis.phase == Phase.ACTIVE else None,
    )
    return render(request, "playbooks/room_checklist.html", context)


@role_required(*STAFF)
def crisis_checklist(request: HttpRequest, crisis_id: int) -> HttpResponse:
    return checklist_tab(request, _crisis(crisis_id))


@role_required(*STAFF)
def crisis_outbound(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    items = outbound_items(crisis.pk)
    can_resume = has_role(request.user, LEADS) and crisis.phase != Phase.ACTIVE and not crisis.is_drill
    failed = sum(1 for c in items["campaigns"] if c.pause_state == PauseState.FAILED)
    broadcasts = social_broadcast.for_crisis(crisis.pk)
    context = _context(
        request,
        crisis,
        "outbound",
        items=items,
        can_resume=can_resume,
        failed=failed,
        broadcasts=broadcasts,
        broadcast_failed=sum(1 for b in broadcasts if b.status == BroadcastStatus.FAILED),
    )
    return render(request, "playbooks/room_outbound.html", context)


@role_required(*STAFF)
def crisis_departments(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    context = _context(
        request,
        crisis,
        "departments",
        departments=room.departments_with_deliveries(crisis, with_contacts=may_read_contacts(request.user)),
    )
    return render(request, "playbooks/room_departments.html", context)


@role_required(*STAFF)
def crisis_hub(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    context = _context(
        request,
        crisis,
        "hub",
        updates=crisis.hub_updates.select_related("posted_by"),
        hub_write=hub_selectors.write_status(),
    )
    return render(request, "playbooks/room_hub.html", context)


@role_required(*STAFF)
def crisis_print(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    sheet = room.printable(crisis.scenario, crisis, with_contacts=may_read_contacts(request.user))
    return render(request, "playbooks/print.html", sheet)


@role_required(*STAFF)
def scenario_print(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    # A lead may hand a read-only copy to a third party: a signed link that works for 14 days.
    share = guests.plan_link(scenario.pk) if has_role(request.user, LEADS) else ""
    sheet = room.printable(scenario, with_contacts=may_read_contacts(request.user))
    return render(request, "playbooks/print.html", {**sheet, "share_link": share})


@role_required(*STAFF)
def drill_report(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(crisis_id)
    is_lead = has_role(request.user, LEADS)
    context = _context(
        request,
        crisis,
        "report",
        report=drills.drill_report(crisis),
        # Outside parties invited to the drill: their links only for the lead, who sends them.
        guests=[(g, guests.link_for(g)) for g in crisis.guests.all()] if is_lead else [],
        can_invite=is_lead and crisis.is_drill,
        now=timezone.now(),
    )
    return render(request, "playbooks/drill_report.html", context)


@role_required(*STAFF)
def crisis_list(request: HttpRequest) -> HttpResponse:
    crises = Crisis.objects.select_related("scenario", "activated_by")[:100]
    return render(request, "playbooks/crisis_list.html", {"crises": crises})


# --- actions -------------------------------------------------------------------
@require_POST
@role_required(*LEADS)
def change_phase(request: HttpRequest, crisis_id: int) -> HttpResponse:
    try:
        crisis = flows.move_phase(crisis_id=crisis_id, to=request.POST.get("to", ""), by=request.user)
    except ValueError:
        messages.error(request, _("Unknown phase."))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _phase_message(crisis))
    return redirect("crisis_checklist", crisis_id=crisis_id)


def _phase_message(crisis: Crisis) -> str:
    if crisis.phase == Phase.AFTERMATH:
        return _("%(crisis)s moved to the aftermath: crisis mode stays on.") % {"crisis": crisis}
    if crisis.phase == Phase.CLOSED and crisis.is_drill:
        return _("The drill %(crisis)s is over.") % {"crisis": crisis}
    if crisis.phase == Phase.CLOSED:
        return _(
            "%(crisis)s is closed and crisis mode is off. Held posts and paused ads stay held until you "
            "release them on the Outbound tab."
        ) % {"crisis": crisis}
    return _("%(crisis)s is marked reviewed.") % {"crisis": crisis}


@require_POST
@role_required(*LEADS)
def retry_broadcast(request: HttpRequest, crisis_id: int) -> HttpResponse:
    count = flows.retry_failed_broadcast(crisis_id=_crisis(crisis_id).pk)
    messages.success(
        request,
        ngettext(
            "Sending the holding post again on %(n)d account.",
            "Sending the holding post again on %(n)d accounts.",
            count,
        )
        % {"n": count},
    )
    return redirect("crisis_outbound", crisis_id=crisis_id)


@require_POST
@role_required(*LEADS)
def retry_failed_pauses(request: HttpRequest, crisis_id: int) -> HttpResponse:
    count = flows.retry_failed_pauses(crisis_id=_crisis(crisis_id).pk)
    messages.success(
        request,
        ngettext(
            "Retrying {count} failed pause on the platforms.",
            "Retrying {count} failed pauses on the platforms.",
            count,
        ).format(count=count),
    )
    return redirect("crisis_outbound", crisis_id=crisis_id)


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


@require_POST
@role_required(*LEADS)
def resume_outbound(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The lead's review list: resume all, resume the chosen ones, or discard chosen posts."""
    crisis = _crisis(crisis_id)
    if crisis.phase == Phase.ACTIVE or crisis.is_drill:
        messages.error(
            request, _("Held posts and ads are released from the aftermath on, after a real crisis.")
        )
        return redirect("crisis_outbound", crisis_id=crisis_id)
    action = request.POST.get("action")
    posts, campaigns = _ids(request, "post"), _ids(request, "campaign")
    if action == "resume_all":
        result = flows.resume_outbound(crisis=crisis, by=request.user)
    elif action == "resume_selected" and (posts or campaigns):
        result = flows.resume_outbound(crisis=crisis, by=request.user, post_ids=posts, campaign_ids=campaigns)
    elif action == "discard_selected" and posts:
        discarded = flows.discard_held_posts(crisis=crisis, by=request.user, post_ids=posts)
        messages.success(
            request, _("{count} held posts discarded; they are kept but never sent.").format(count=discarded)
        )
        return redirect("crisis_outbound", crisis_id=crisis_id)
    else:
        messages.error(request, _("Choose the posts or campaigns first."))
        return redirect("crisis_outbound", crisis_id=crisis_id)
    messages.success(
        request,
        _("Resumed {posts} posts and {campaigns} campaigns.").format(
            posts=result.posts, campaigns=result.campaigns
        ),
    )
    return redirect("crisis_outbound", crisis_id=crisis_id)


@require_POST
@role_required(*LEADS)
def retry_deliveries(request: HttpRequest, crisis_id: int) -> HttpResponse:
    count = flows.retry_failed_notifications(crisis_id=_crisis(crisis_id).pk)
    messages.success(
        request,
        ngettext(
            "Sending {count} failed notification again.", "Sending {count} failed notifications again.", count
        ).format(count=count),
    )
    return redirect("crisis_departments", crisis_id=crisis_id)


@require_POST
@role_required(*STAFF)
def toggle_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """Tick or reopen; JSON for the live checklist, a redirect for the plain form."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        task = services.set_task_done(task_id=task_id, by=request.user, done=request.POST.get("done") == "1")
    except services.NotInActiveCrisis as exc:
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("crisis_room")
    except services.NotYourDepartment as exc:
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=403)
        messages.error(request, str(exc))
        return redirect("crisis_room")
    if wants_json:
        return JsonResponse(task_payload(task))
    return (
        redirect(request.POST.get("next") or "crisis_room")
        if _safe_next(request)
        else redirect("crisis_room")
    )


def _safe_next(request: HttpRequest) -> bool:
    nxt = request.POST.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
