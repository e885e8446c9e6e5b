"""API throttles (REST_FRAMEWORK's DEFAULT_THROTTLE_CLASSES), counted in the Redis cache so that
every web process shares one count.

Each request falls in one scope: a view's own `throttle_scope` when it names one, else
`integration` for integration accounts (they push batches all day), else `read` for safe
methods and `write` for the rest; `anon` without a user. Rates come from API_RATE_*
(settings). An exceeded rate answers 429 with Retry-After.

A fixed window per scope and caller (one round trip to Redis a request, core.ratelimit), not
DRF's sliding history: that one stores every request's time in one cache value, which an
integration at thousands of calls a minute would read and write whole on every call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from . import netaddr, ratelimit
from .roles import Role, roles_of

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def scope_for(request: Any, view: Any) -> str:
    own = getattr(view, "throttle_scope", None)
    if own:
        return own
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anon"
    if Role.INTEGRATION in roles_of(user):
        return "integration"
    return "read" if request.method in SAFE_METHODS else "write"


def caller(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user{user.pk}"
    return netaddr.rate_key(netaddr.client_ip(request))


class ApiScopeThrottle(BaseThrottle):
    """At most N requests per window for each scope and caller (user, or address when anonymous;
    IPv6 per /64)."""

    def allow_request(self, request, view) -> bool:
        self.retry_after: float | None = None
        scope = scope_for(request, view)
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if not rate:
            return True
        limit, window = SimpleRateThrottle.parse_rate(None, rate)
        now = time.time()
        start = int(now // window) * window
        try:
            count = ratelimit.count(f"throttle:{scope}:{caller(request)}:{start}", window_s=window + 1)
        except RedisError as exc:
            # Redis down: the API keeps answering (an ingest is written to PostgreSQL first);
            # throttling resumes with Redis.
            logger.warning("API throttle skipped, Redis unreachable: %s", exc)
            return True
        if count <= limit:
            return True
        self.retry_after = max(1.0, start + window - now)
        return False

    def wait(self) -> float | None:
        return self.retry_after
