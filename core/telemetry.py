"""Error reports to Sentry, when SENTRY_DSN is set, without the public's words in them.

Mentions are other people's posts: their text, names and bios must not leave for a
third-party service with a stack trace. send_default_pii stays off (no users, cookies,
IP addresses); request bodies and local variables are never attached; and `scrub`
(before_send) removes what could still carry a mention: any field named like one.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

from core import netguard

STRIPPED = "[stripped]"
# Keys under which mention content travels: the ingest payload, the model, the API.
MENTION_KEYS = frozenset(
    {"text", "body", "bio", "author_bio", "name", "author_name", "items", "mentions", "in_reply_to", "quote"}
)


def _strip(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return STRIPPED
    if isinstance(value, dict):
        return {k: STRIPPED if k in MENTION_KEYS else _strip(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v, depth + 1) for v in value]
    return value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """before_send: the event without request bodies, frame variables or mention fields."""
    request = event.get("request")
    if isinstance(request, dict) and "data" in request:
        request["data"] = STRIPPED
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for key in ("extra", "contexts", "breadcrumbs"):
        if key in event:
            event[key] = _strip(event[key])
    return event


def redact_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """before_breadcrumb: an outbound call's URL as scheme and host only (a webhook URL is a
    credential; the httpx integration records the path)."""
    data = crumb.get("data")
    if isinstance(data, dict):
        if "url" in data:
            data["url"] = netguard.redact_url(data["url"])
        for key in ("http.query", "http.fragment"):
            data.pop(key, None)
    return crumb


def init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub,
        before_breadcrumb=redact_breadcrumb,
    )
