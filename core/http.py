"""The one way connectors talk HTTP: a timeout on every call, platform faults mapped to
OutboundError (429 and 5xx are transient, with the wait the platform asked for), and
bounded retries with backoff and jitter."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

logger = logging.getLogger(__name__)


class OutboundError(Exception):
    """An outbound call (platform, webhook) that failed. transient: worth retrying (429, 5xx, timeout)."""

    def __init__(self, message: str, *, transient: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_RETRY_AFTER = 900.0
T = TypeVar("T")


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """How long the platform asked us to wait: Retry-After (seconds or HTTP date), or a
    rate-limit reset header (epoch seconds: X's x-rate-limit-reset, Reddit's x-ratelimit-reset
    is seconds from now)."""
    now = time.time() if now is None else now
    value = response.headers.get("retry-after")
    if value:
        try:
            return min(max(float(value), 0.0), MAX_RETRY_AFTER)
        except ValueError:
            try:
                return min(max(parsedate_to_datetime(value).timestamp() - now, 0.0), MAX_RETRY_AFTER)
            except (TypeError, ValueError):
                pass
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return min(max(float(reset) - now, 0.0), MAX_RETRY_AFTER)
    reset = response.headers.get("x-ratelimit-reset")
    if reset:
        try:
            return min(max(float(reset), 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    return None


def describe_error(response: httpx.Response) -> str:
    """The platform's own reason, short enough to show beside the item it concerns."""
    try:
        body: Any = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Meta Graph API
            code = error.get("code")
            return f"HTTP {response.status_code}: {error.get('message', '')} (code {code})".strip()
        if isinstance(error, str):  # Mastodon, Reddit
            return f"HTTP {response.status_code}: {error}"
        if body.get("title") or body.get("detail"):  # X v2 problem
            return f"HTTP {response.status_code}: {body.get('title', '')}: {body.get('detail', '')}"
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):  # X v1.1/ads
            first = errors[0]
            return f"HTTP {response.status_code}: {first.get('message', '')} (code {first.get('code')})"
        if body.get("message"):  # Bluesky XRPC
            return f"HTTP {response.status_code}: {body.get('error', '')} {body['message']}".strip()
    return f"HTTP {response.status_code}"


def check(response: httpx.Response) -> httpx.Response:
    """Raise OutboundError for any non-2xx answer; transient for 429 and 5xx."""
    if response.is_success:
        return response
    transient = response.status_code == 429 or response.status_code >= 500
    raise OutboundError(
        describe_error(response),
        transient=transient,
        retry_after=retry_after_seconds(response) if transient else None,
    )


def request(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One call with a timeout; network faults become transient ConnectorErrors."""
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise OutboundError(f"timed out: {method} {url}", transient=True) from exc
    except httpx.TransportError as exc:
        raise OutboundError(f"cannot reach the platform: {exc}", transient=True) from exc
    return check(response)


def with_retries(
    call: Callable[[], T],
    *,
    attempts: int = 4,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run call(), retrying transient OutboundErrors: after the platform's Retry-After when it
    gave one (up to max_delay; a longer one is raised at once), else exponential backoff with
    full jitter."""
    for attempt in range(attempts):
        try:
            return call()
        except OutboundError as exc:
            if not exc.transient or attempt == attempts - 1:
                raise
            if exc.retry_after is not None and exc.retry_after > max_delay:
                # The platform asked for a longer wait than a caller holds a worker for (X's
                # 15-minute windows): retrying sooner only meets the same 429. The caller
                # records the wait (connector health) and a later run tries again.
                raise
            delay = exc.retry_after if exc.retry_after is not None else base_delay * 2**attempt
            delay = min(delay, max_delay) + random.uniform(0, base_delay)
            logger.info("transient platform error (%s); retry %s in %.1fs", exc, attempt + 1, delay)
            sleep(delay)
    raise AssertionError("unreachable")
