"""Routing only: each app owns its pages and its /api/v1/ routes (docs/architecture.md)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import include, path, reverse
from drf_spectacular.views import SpectacularAPIView

import command.urls
import hubpage.urls
from command.views import overview
from core import accounts, health, language
from core.metrics import metrics_view

from .i18n import javascript_catalog

handler500 = "core.errors.server_error"


def admin_login(request):
    # The admin signs in through the one login page: its lockout and authenticator code.
    return HttpResponseRedirect(
        f"{reverse('login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}"
    )


def favicon(request):
    # Browsers ask every site for /favicon.ico; the file itself is a static file (cached, hashed).
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.ico"))


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
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/two-factor/", accounts.two_factor, name="two_factor"),
    path("accounts/lockouts/", accounts.lockouts, name="lockouts"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The staff pages' language (core.language) and the strings of their JavaScript, in that language.
    path("i18n/language/", language.set_language, name="set_language"),
    path("i18n/catalog.js", javascript_catalog, name="javascript_catalog"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("favicon.ico", favicon, name="favicon"),
    # Answered by core.health.ProbeMiddleware before any other middleware; named here for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
