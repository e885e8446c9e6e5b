"""Outside parties at a drill: the lead's invitations (on the drill report), and the read-only
room and hub page preview their link opens. The link is the only credential: these two pages
are all it reaches (playbooks/guests.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from command.crisis_room import selectors as room
from core.errors import DomainError
from core.roles import LEADS, role_required
from hubpage import selectors as hub_selectors
from hubpage import services as hub_services
from hubpage.render import render_html
from playbooks import guests
from playbooks.models import Crisis, Scenario
from playbooks.selectors import checklist_progress

NO_INDEX = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


def _no_index(response: HttpResponse) -> HttpResponse:
    for name, value in NO_INDEX.items():
        response[name] = value
    return response


def _gone(request: HttpRequest, error: guests.BadLink) -> HttpResponse:
    return _no_index(render(request, "playbooks/guest_room.html", {"error": str(error)}, status=410))


@never_cache
@require_GET
def guest_room(request: HttpRequest, token: str) -> HttpResponse:
    try:
        guest = guests.guest_for(token)
    except guests.BadLink as exc:
        return _gone(request, exc)
    crisis = guest.crisis
    context = {
        "guest": guest,
        "room": crisis,
        "progress": checklist_progress(crisis),
        "groups": room.checklist_by_department(crisis),
        "agenda": [line.strip() for line in crisis.scenario.huddle_agenda.splitlines() if line.strip()],
        "token": token,
    }
    return _no_index(render(request, "playbooks/guest_room.html", context))


@never_cache
@require_GET
def guest_hub(request: HttpRequest, token: str) -> HttpResponse:
    """The drill's hub page as the public would see it in a real crisis (the staff preview)."""
    try:
        guest = guests.guest_for(token)
    except guests.BadLink as exc:
        return _gone(request, exc)
    lang = hub_selectors.published_language(request.GET.get("lang"))
    return _no_index(HttpResponse(render_html(hub_services.snapshot_for(guest.crisis, lang))))


@require_POST
@role_required(*LEADS)
def invite_guest(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = get_object_or_404(Crisis, pk=crisis_id)
    name, organisation = request.POST.get("name", "").strip(), request.POST.get("organisation", "").strip()
    hours = request.POST.get("hours", "48")
    if not name or not organisation or not hours.isdigit() or len(name) > 120 or len(organisation) > 120:
        messages.error(
            request, _("Give the guest's name, their organisation and how many hours the link lasts.")
        )
        return redirect("drill_report", crisis_id=crisis_id)
    try:
        guest = guests.invite(
            crisis=crisis, name=name, organisation=organisation, hours=int(hours), by=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("drill_report", crisis_id=crisis_id)
    messages.success(
        request,
        _("Link for %(name)s ready: copy it from the list of outside participants and send it to them.")
        % {"name": guest.name},
    )
    return redirect("drill_report", crisis_id=crisis_id)


@require_POST
@role_required(*LEADS)
def revoke_guest(request: HttpRequest, crisis_id: int, guest_id: int) -> HttpResponse:
    crisis = get_object_or_404(Crisis, pk=crisis_id)
    guests.revoke(guest_id=guest_id, crisis=crisis, by=request.user)
    messages.success(request, _("The link no longer opens anything."))
    return redirect("drill_report", crisis_id=crisis_id)


@never_cache
@require_GET
def shared_plan(request: HttpRequest, token: str) -> HttpResponse:
    """The printable plan of a scenario for a third party, read-only, from a link a lead shared."""
    try:
        scenario = Scenario.objects.filter(pk=guests.plan_scenario_id(token)).first()
    except guests.BadLink as exc:
        return _gone(request, exc)
    if scenario is None:
        return _gone(request, guests.BadLink(_("This plan no longer exists.")))
    return _no_index(
        render(
            request, "playbooks/print.html", {**room.printable(scenario, with_contacts=True), "shared": True}
        )
    )
