"""The acknowledgement page a department reaches from the link in its notification. The signed
link is the credential (recipients need no account here); the button, not the visit, counts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import huddle


@never_cache
@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    try:
        delivery = huddle.acknowledge(token) if request.method == "POST" else huddle.delivery_for(token)
    except huddle.BadLink as exc:
        return render(request, "playbooks/ack.html", {"error": str(exc)}, status=400)
    context = {"delivery": delivery, "crisis": delivery.crisis, "scenario": delivery.crisis.scenario}
    return render(request, "playbooks/ack.html", context)
