"""API throttles (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES), counted in the Redis cache so that
every web process shares one count.

Each request falls in one scope: a view's own `throttle_scope` when it names one, else
`integration` for integration accounts (they push batches all day), else `read` for safe
methods and `write` for the rest. Rates come from API_RATE_* (settings); an exceeded rate
answers 429 with Retry-After.
"""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from . import netaddr
from .roles import Role, roles_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def scope_for(request: Any, view: Any) -> str:
    own = getattr(view, "throttle_scope", None)
    if own:
        return own
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and Role.INTEGRATION in roles_of(user):
        return "integration"
    if user is None or not user.is_authenticated:
        return "anon"
    return "read" if request.method in SAFE_METHODS else "write"


class ApiScopeThrottle(SimpleRateThrottle):
    """One rate per scope, per user (or per client address, IPv6 per /64, when anonymous)."""

    def allow_request(self, request, view) -> bool:
        self.scope = scope_for(request, view)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read each time: DRF's class attribute is fixed at import, its settings are not.
        return api_settings.DEFAULT_THROTTLE_RATES.get(getattr(self, "scope", ""))

    def get_cache_key(self, request, view) -> str:
        if request.user is not None and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = netaddr.rate_key(netaddr.client_ip(request))
        return self.cache_format % {"scope": self.scope, "ident": ident}
