"""Routing only: each app owns its pages and its /api/v1/ routes (docs/architecture.md)."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

import command.urls
import hubpage.urls
from command.views import overview
from core.metrics import metrics_view


def healthz(request):
    return JsonResponse({"ok": True})


api_v1 = [
    path("", include("triage.api.urls")),
    path("", include(command.urls.api_urlpatterns)),
    path("", include(hubpage.urls.api_urlpatterns)),
]

urlpatterns = [
    path("", overview, name="overview"),
    path("playbooks/", include("command.urls")),
    path("playbooks/", include("playbooks.urls")),
    path("triage/", include("triage.urls")),
    path("hub/", include("hubpage.urls")),
    path("social/", include("social.urls")),
    path("webhooks/", include("triage.inbound.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
]
