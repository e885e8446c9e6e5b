from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crisiscenter.roles import QUEUE_WORKERS, is_first_line_only, role_required

from .models import ReplyTemplate


@role_required(*QUEUE_WORKERS)
def queue_page(request: HttpRequest) -> HttpResponse:
    templates = ReplyTemplate.objects.all()
    context = {
        "templates": [{"id": t.pk, "name": t.name, "body": t.body, "tier": t.tier} for t in templates],
        "hub_link": f"{settings.PUBLIC_BASE_URL}/hub/",
        "first_line_only": is_first_line_only(request.user),
    }
    return render(request, "triage/queue.html", context)
