"""Where an outbound call may go, and what of a URL may be shown.

Department webhook URLs and platform instance URLs are typed by people. Left alone they
reach the machine's own services (127.0.0.1, the cloud metadata service at
169.254.169.254, the database's network). So every outbound connection goes only to public
addresses, checked on the addresses the connection is then made to (a second DNS answer
cannot swap in a private one). And a webhook URL is a credential (Slack and Teams put the
secret in its path), so what is shown or logged of any URL is its scheme and host only.

OUTBOUND_ALLOW_PRIVATE_HOSTS (off by default) lets the tests and the local stand-in
platform servers on 127.0.0.1 through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings

# 6to4, Teredo and NAT64 embed an IPv4 address a gateway may forward to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
HIDDEN = "…"


class NotPublic(ValueError):
    """The host is, or resolves to, an address outbound calls may not reach."""


def private_hosts_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_PRIVATE_HOSTS", False))


def is_public(address: str) -> bool:
    """A globally routable unicast address: not loopback, private, link-local (the metadata
    service), shared, multicast, reserved, unspecified, documentation, nor an IPv6 form that
    carries one of those (IPv4-mapped, 6to4, Teredo, NAT64)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None or ip.sixtofour is not None or ip.teredo is not None:
            return False
        if ip in _NAT64:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for host, all of them public, or NotPublic. Any private
    address among the answers refuses the host (a name that resolves to both is not trusted)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NotPublic(f"{host} does not resolve") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise NotPublic(f"{host} does not resolve")
    if not all(is_public(a) for a in addresses):
        raise NotPublic(f"{host} is not a public address; outbound calls go to public hosts only")
    return addresses


def connect_public(host: str, port: int, *, timeout: float | None) -> socket.socket:
    """A TCP connection to host:port, made to an address that was checked (or to any address
    when private hosts are allowed)."""
    if private_hosts_allowed():
        return socket.create_connection((host.strip("[]"), port), timeout)
    last: OSError | None = None
    for address in public_addresses(host, port):
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            last = exc
    raise last or OSError(f"cannot connect to {host}")


def public_socket(url: str, *, timeout: float | None) -> socket.socket:
    """connect_public for a URL (http, https, ws, wss), for clients that take a socket."""
    parts = urlsplit(url)
    default = 443 if parts.scheme in ("https", "wss") else 80
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise NotPublic(f"{redact_url(url)} is not an http(s) or ws(s) URL")
    return connect_public(parts.hostname, parts.port or default, timeout=timeout)


def refusal(url: str) -> str | None:
    """Why a configured URL can never be called (not http(s), or a host that is or resolves
    to a non-public address), for forms to say at once; None when it may be called or its
    host does not resolve yet (the call itself checks again)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "only http:// and https:// URLs can be called"
    if private_hosts_allowed():
        return None
    try:
        public_addresses(parts.hostname, port)
    except NotPublic as exc:
        return None if str(exc).endswith("does not resolve") else str(exc)
    return None


# --- what may be shown of a URL -----------------------------------------------------------
def redact_url(url: object) -> str:
    """scheme://host[:port] and "/…" when there was a path or query: what may be shown in a
    message, a log line, a websocket frame or a page. Userinfo is dropped."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "[a URL]"
    if not parts.scheme or not host:
        return "[a URL]"
    if ":" in host:
        host = f"[{host}]"
    shown = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    rest = parts.path.strip("/") or parts.query or parts.fragment
    return f"{shown}/{HIDDEN}" if rest else shown


def redact(text: str, urls: Iterable[object]) -> str:
    """text with each URL, its path, query and userinfo replaced by the redacted URL."""
    for url in urls:
        raw = str(url)
        if not raw:
            continue
        shown = redact_url(raw)
        text = text.replace(raw, shown)
        try:
            parts = urlsplit(raw)
        except ValueError:
            continue
        secrets = [parts.query, parts.path if parts.path.strip("/") else "", parts.username, parts.password]
        for secret in secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, HIDDEN)
    return text


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_allowed(host: str, rules: Iterable[str]) -> bool:
    """host matches a rule: "example.org" exactly, ".example.org" any host under it."""
    host = host.lower().rstrip(".")
    for rule in rules:
        rule = rule.lower().rstrip(".")
        if not rule:
            continue
        if rule.startswith(".") and host.endswith(rule):
            return True
        if host == rule:
            return True
    return False
