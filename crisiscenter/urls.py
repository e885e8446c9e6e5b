from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from hubpage.api import HubUpdateView
from playbooks import api as playbooks_api
from playbooks.views import overview
from social import health_views, platform_hooks
from social.generic_views import generic_webhook
from triage import api as triage_api
from triage import report_api
from triage.views import queue_page


def healthz(request):
    return JsonResponse({"ok": True})


api_v1 = [
    path("mentions/", triage_api.MentionListView.as_view(), name="api_mentions"),
    path("mentions/<int:pk>/", triage_api.MentionDetailView.as_view(), name="api_mention"),
    path("mentions/<int:pk>/claim/", triage_api.claim_view, name="api_mention_claim"),
    path("mentions/<int:pk>/release/", triage_api.release_view, name="api_mention_release"),
    path("mentions/<int:pk>/resolve/", triage_api.resolve_view, name="api_mention_resolve"),
    path("mentions/<int:pk>/dismiss/", triage_api.dismiss_view, name="api_mention_dismiss"),
    path("mentions/<int:pk>/reply/", triage_api.ReplyView.as_view(), name="api_mention_reply"),
    path("queue/next/", triage_api.QueueNextView.as_view(), name="api_queue_next"),
    path("scenarios/", playbooks_api.ScenarioListView.as_view(), name="api_scenarios"),
    path("crisis/", playbooks_api.CrisisStateView.as_view(), name="api_crisis"),
    path("crisis/activate/", playbooks_api.ActivateView.as_view(), name="api_crisis_activate"),
    path("crisis/deactivate/", playbooks_api.DeactivateView.as_view(), name="api_crisis_deactivate"),
    path("crises/<int:pk>/phase/", playbooks_api.PhaseView.as_view(), name="api_crisis_phase"),
    path("reports/", report_api.PeriodReportView.as_view(), name="api_reports"),
    path("reports/crisis/<int:pk>/", report_api.CrisisReportView.as_view(), name="api_crisis_report"),
    path("hub/updates/", HubUpdateView.as_view(), name="api_hub_updates"),
    path("", include("triage.api_urls")),
    path("", include("playbooks.review_api_urls")),
]

urlpatterns = [
    path("", overview, name="overview"),
    path("playbooks/", include("playbooks.urls")),
    path("triage/", queue_page, name="triage"),
    path("triage/reports/", include("triage.report_urls")),
    path("hub/", include("hubpage.urls")),
    path("webhooks/generic/", generic_webhook, name="generic_webhook"),
    path("social/health/", health_views.health_page, name="connector_health"),
    path("social/health/table/", health_views.health_table, name="connector_health_table"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("webhooks/x/", platform_hooks.x_webhook, name="webhook_x"),
    path("webhooks/meta/", platform_hooks.meta_webhook, name="webhook_meta"),
    path("healthz", healthz, name="healthz"),
]
