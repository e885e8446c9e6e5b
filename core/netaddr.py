"""Who is on the other end: the client's address, taken from X-Forwarded-For only when the
peer is one of our own proxies (TRUSTED_PROXIES), and the key a rate limit counts it under.

Anybody can send X-Forwarded-For or X-Real-IP: believed from a stranger, they would let one
client appear as any number of addresses (dodging every per-address limit) or as somebody
else (locking them out). So the chain is read from the right, skipping our own proxies, and
the first address that is not one of them is the client.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) from the TRUSTED_PROXIES setting; a bad one stops start-up."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {value!r} is not an address or CIDR") from exc
    return tuple(networks)


@cache
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(list(values))


def _trusted() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted(address: Address | None, networks: tuple[Network, ...] | None = None) -> bool:
    networks = _trusted() if networks is None else networks
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy, in which case the
    rightmost address of X-Forwarded-For that is not a trusted proxy. After
    TrustedProxyMiddleware, REMOTE_ADDR already is that address."""
    if "PROXY_ADDR" in request.META:
        return request.META.get("REMOTE_ADDR", "")
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not is_trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: stop believing it here
        if not is_trusted(address):
            return str(address)
        peer = address
    return str(peer)


def rate_key(address: str) -> str:
    """What a per-address limit counts: an IPv4 address, or the /64 an IPv6 address is in (one
    subscriber line or host usually holds a whole /64, so counting single v6 addresses would let
    one client rotate through 2^64 of them)."""
    parsed = _address(address)
    if parsed is None:
        return "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def axes_client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: lockouts count the same client address as everything else."""
    return client_ip(request)


# Headers only our own proxies may set; from anybody else they are dropped before Django or
# the code reads them.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_REAL_IP")


class TrustedProxyMiddleware:
    """REMOTE_ADDR becomes the client's address (client_ip) for everything after this
    middleware (lockouts, rate limits, logs); the peer's own is kept in PROXY_ADDR. From a
    peer that is not a trusted proxy, the forwarding headers are dropped, so that
    SECURE_PROXY_SSL_HEADER (X-Forwarded-Proto) can be believed whenever it is still there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if is_trusted(_address(peer)):
            client = client_ip(request)
            meta["PROXY_ADDR"], meta["REMOTE_ADDR"] = peer, client
        else:
            for header in PROXY_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
