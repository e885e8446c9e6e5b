"""The acknowledgement page a department reaches from the link in its notification. The signed
link is the credential (recipients need no account here); the button, not the visit, counts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import callin, huddle


@never_cache
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    try:
        delivery = huddle.acknowledge(token) if request.method == "POST" else huddle.delivery_for(token)
    except huddle.BadLink as exc:
        return render(request, "playbooks/ack.html", {"error": str(exc)}, status=400)
    context = {"delivery": delivery, "crisis": delivery.crisis, "scenario": delivery.crisis.scenario}
    return render(request, "playbooks/ack.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def roster_call(request: HttpRequest, token: str) -> HttpResponse:
    """A roster member's "on my way", from the link in the call-in message (a GET alone does not count)."""
    try:
        call = callin.acknowledge(token) if request.method == "POST" else callin.call_for(token)
    except callin.BadLink as exc:
        return render(request, "playbooks/callin.html", {"error": str(exc)}, status=400)
    return render(request, "playbooks/callin.html", {"call": call, "crisis": call.crisis})
