"""Headers every page carries, and whose address a request is: X-Forwarded-For believed from
the configured proxies only, IPv6 counted per /64."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from core import netaddr
from core.netaddr import TrustedProxyMiddleware

ROOT = Path(__file__).resolve().parent.parent.parent


def seen_address(settings, proxies: list[str], peer: str, forwarded: str = "", **headers) -> dict:
    settings.TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **extra, **headers)
    TrustedProxyMiddleware(lambda r: None)(request)
    return request.META


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    meta = seen_address(settings, [], "198.51.100.3", "203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert meta["REMOTE_ADDR"] == "198.51.100.3"
    assert "HTTP_X_FORWARDED_FOR" not in meta and "HTTP_X_FORWARDED_PROTO" not in meta


def test_a_trusted_proxy_passes_the_client_on(settings):
    meta = seen_address(settings, ["10.0.0.0/8"], "10.1.2.3", "203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert meta["REMOTE_ADDR"] == "203.0.113.9" and meta["PROXY_ADDR"] == "10.1.2.3"
    assert meta["HTTP_X_FORWARDED_PROTO"] == "https"


def test_the_chain_is_read_from_the_right_past_our_own_proxies(settings):
    # The client wrote "1.1.1.1" itself; the load balancer (10.9.9.9) and nginx appended the rest.
    meta = seen_address(settings, ["10.0.0.0/8"], "10.0.0.2", "1.1.1.1, 203.0.113.9, 10.9.9.9")
    assert meta["REMOTE_ADDR"] == "203.0.113.9"


def test_ipv6_and_mapped_addresses(settings):
    meta = seen_address(settings, ["fc00::/7"], "fd00::1", "[2001:db8::5]:443")
    assert meta["REMOTE_ADDR"] == "2001:db8::5"
    assert netaddr.rate_key("2001:db8:aa:bb:1:2:3:4") == "2001:db8:aa:bb::/64"
    assert netaddr.rate_key("::ffff:198.51.100.1") == "198.51.100.1"
    assert netaddr.rate_key("nonsense") == "unknown"


def test_a_bad_trusted_proxy_is_refused():
    with pytest.raises(Exception, match="TRUSTED_PROXIES"):
        netaddr.parse_networks(["10.0.0.0/33"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/hub/subscribe/confirm/x/", "/api/schema/"])
def test_every_page_carries_a_content_security_policy_without_inline_script(path):
    policy = Client().get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_signed_in_pages_and_the_admin_carry_it_too(lead):
    client = Client()
    client.force_login(lead)
    for path in ("/", "/triage/", "/accounts/two-factor/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"]


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                offenders.append(f"{template}: {match.group(0)}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{template}: inline event handler")
    assert offenders == []
