from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.roles import QUEUE_WORKERS, role_required
from playbooks import training
from playbooks.selectors import active_crisis

from .models import Tag
from .replies import templates_for
from .tiers import reach


@role_required(*QUEUE_WORKERS)
def queue_page(request: HttpRequest) -> HttpResponse:
    if training.needs_training(request.user):
        # A volunteer's first queue comes after the training (skilled helpers, rules 3-5).
        return redirect(f"{reverse('training')}?next={reverse('triage')}")
    crisis = active_crisis()
    scenario_id = crisis.scenario_id if crisis else None
    templates = templates_for(request.user, scenario_id=scenario_id)
    context = {
        "templates": [
            {
                "id": t.pk,
                "name": t.name,
                "tier": t.tier,
                "variants": len(t.variants),
                "scenario": bool(scenario_id and t.scenario_id == scenario_id),
                "language": t.language,
            }
            for t in templates
        ],
        "tags": [t.name for t in Tag.objects.filter(curated=True)],
        "first_line_only": reach(request.user) != "all",
    }
    return render(request, "triage/queue.html", context)
