"""The one way the application talks HTTP to anything outside: a timeout on every call,
platform faults mapped to OutboundError (429 and 5xx are transient, with the wait the
platform asked for), bounded retries with backoff and jitter, and one guarded client
(`guarded_client`) for every URL a person configures: public addresses only (checked on
the address connected to, core.netguard), no redirects followed, credentials sent only to
the hosts they are bound to, and URLs redacted in every error."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpcore
import httpx

from core import netguard

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


def _request_url(response: httpx.Response) -> str:
    try:
        return str(response.request.url)
    except RuntimeError:  # a response built without a request (tests)
        return ""


def check(response: httpx.Response) -> httpx.Response:
    """Raise OutboundError for any non-2xx answer; transient for 429 and 5xx. A redirect is
    never followed (it could lead a credential or a webhook's body elsewhere): it is an error
    naming where it pointed, host only."""
    if response.is_success:
        return response
    url = _request_url(response)
    if response.is_redirect:
        target = netguard.redact_url(response.headers.get("location", ""))
        raise OutboundError(
            f"HTTP {response.status_code}: redirected to {target}; redirects are not followed"
        )
    transient = response.status_code == 429 or response.status_code >= 500
    raise OutboundError(
        netguard.redact(describe_error(response), [url]),
        transient=transient,
        retry_after=retry_after_seconds(response) if transient else None,
    )


def request(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One call with a timeout; network faults become transient OutboundErrors. Every
    message names the URL redacted (scheme and host): a webhook's path is its secret."""
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    shown = netguard.redact_url(url)
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise OutboundError(f"timed out: {method} {shown}", transient=True) from exc
    except httpx.InvalidURL as exc:
        raise OutboundError(f"not a URL that can be called: {shown}") from exc
    except httpx.TransportError as exc:
        reason = netguard.redact(str(exc) or type(exc).__name__, [url])
        raise OutboundError(f"cannot reach {shown}: {reason}", transient=True) from exc
    return check(response)


# --- the guarded client --------------------------------------------------------------------
DEFAULT_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=64)
# What makes a request carry a secret. A call that sends one in its body (a password) says
# so with extensions={"credentials": True}.
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie")
SECRET_PARAMS = ("access_token", "appsecret_proof", "client_secret", "password")


class _PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to public addresses, and to the very address that was checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if netguard.private_hosts_allowed():
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = netguard.public_addresses(host, port)
        except netguard.NotPublic as exc:
            raise OutboundError(f"refused: {exc}") from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or OutboundError(f"cannot connect to {host}")


CredentialHosts = Callable[[], Iterable[str]] | Iterable[str]


class GuardedTransport(httpx.HTTPTransport):
    """http(s) only, public addresses only, and a request carrying a secret goes only to the
    hosts that secret is bound to (credential_hosts: "host" or ".domain" for any host under
    it; a callable is read per request, for base URLs read from settings)."""

    def __init__(self, *, credential_hosts: CredentialHosts = (), limits: httpx.Limits = DEFAULT_LIMITS):
        super().__init__(limits=limits, trust_env=False)
        self._credential_hosts = credential_hosts
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=True),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PublicOnlyBackend(),
        )

    def bound_hosts(self) -> list[str]:
        hosts = self._credential_hosts
        return list(hosts() if callable(hosts) else hosts)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise OutboundError(f"refused: {netguard.redact_url(request.url)} is not an http(s) URL")
        if carries_credentials(request) and not netguard.host_allowed(request.url.host, self.bound_hosts()):
            bound = ", ".join(h for h in self.bound_hosts() if not h.startswith(".")) or "no host"
            raise OutboundError(
                f"refused: the credentials for {bound} are not sent to {request.url.host}",
            )
        return super().handle_request(request)


def carries_credentials(request: httpx.Request) -> bool:
    return (
        bool(request.extensions.get("credentials"))
        or any(name in request.headers for name in SECRET_HEADERS)
        or any(name in request.url.params for name in SECRET_PARAMS)
    )


class GuardedClient(httpx.Client):
    """An httpx.Client that never follows a redirect, whatever a caller asks."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        return super().send(request, **kwargs)


def guarded_client(
    *,
    credential_hosts: CredentialHosts = (),
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    limits: httpx.Limits = DEFAULT_LIMITS,
) -> GuardedClient:
    """The client for every outbound call. No proxy from the environment, no .netrc: what is
    sent, and where, is only what the caller says."""
    return GuardedClient(
        transport=GuardedTransport(credential_hosts=credential_hosts, limits=limits),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


def hosts_of(*urls: str, subdomains: bool = False) -> list[str]:
    """The hosts of these URLs as credential_hosts rules (with ".host" too when subdomains)."""
    hosts = [h for h in (netguard.host_of(u) for u in urls if u) if h]
    return hosts + ([f".{h}" for h in hosts] if subdomains else [])


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
