"""Skilled helpers' own pages: the training before the first queue, and the jump seat sign-up."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.roles import STAFF, role_required

from . import training
from .forms import JumpSeatForm
from .models import RosterEntry, Scenario


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def training_page(request: HttpRequest) -> HttpResponse:
    """Before a helper's first queue (the queue sends them here), and from the queue's help."""
    links = training.links_for(None)
    if request.method == "POST":
        training.complete(user=request.user, link_ids=[link.pk for link in links])
        messages.success(request, _("Training recorded as done. Thank you for helping."))
        return redirect(_next(request) or "triage")
    done = training.completed_ids(request.user)
    context = {
        "links": [(link, link.pk in done) for link in links],
        "pending": sum(1 for link in links if link.pk not in done),
        "next": _next(request),
        "minutes": sum(link.minutes for link in links if link.pk not in done),
    }
    return render(request, "playbooks/training.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def jump_seat(request: HttpRequest) -> HttpResponse:
    """Any staff member signs up in peacetime to help the queue in a crisis; they practise on the
    drills (the demo stream, replies recorded and never sent)."""
    entry = RosterEntry.objects.filter(user=request.user).first()
    form = JumpSeatForm(request.POST or None, instance=entry or RosterEntry(user=request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("You are on the roster. Thank you: the comms lead will call you in."))
        return redirect("jump_seat")
    drills = Scenario.objects.filter(next_drill_at__gte=timezone.now()).order_by("next_drill_at")[:5]
    context = {"form": form, "entry": entry, "drills": drills, "pending": training.pending(request.user)}
    return render(request, "playbooks/jump_seat.html", context)
