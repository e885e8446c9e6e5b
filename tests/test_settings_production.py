"""Production settings as an operator meets them: the scheme of PUBLIC_BASE_URL decides the
cookie, HSTS and redirect settings, and mail goes somewhere named or the process refuses to start.

Each case imports crisiscenter.settings in a fresh interpreter with a production environment
(no pytest marker, DEBUG off), as gunicorn would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json, crisiscenter.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT',"
    "'SECURE_PROXY_SSL_HEADER', 'EMAIL_BACKEND', 'EMAIL_HOST']}))"
)


def production(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "EMAIL_", "SECURE_"))}
    base.pop("DEBUG", None)
    base.pop("TRUST_X_FORWARDED_PROTO", None)
    base.pop("TRUSTED_PROXIES", None)
    base |= {"SECRET_KEY": "production-settings-test", **env}
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def settings_of(**env: str) -> dict:
    done = production(**env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_https_address_gets_secure_cookies_and_hsts():
    s = settings_of(PUBLIC_BASE_URL="https://crisis.example.org", EMAIL_HOST="smtp.example.org")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    # The proxy header is not trusted unless the operator says so: no redirect loop, no spoofing.
    assert s["SECURE_PROXY_SSL_HEADER"] is None and not s["SECURE_SSL_REDIRECT"]


def test_a_trusted_proxy_header_turns_the_https_redirect_on():
    s = settings_of(
        PUBLIC_BASE_URL="https://crisis.example.org",
        EMAIL_HOST="smtp.example.org",
        TRUST_X_FORWARDED_PROTO="1",
    )
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_SSL_REDIRECT"]


def test_trusted_proxies_turn_the_https_redirect_on():
    # The header is dropped from any other peer (core.netaddr), so it can be believed.
    s = settings_of(
        PUBLIC_BASE_URL="https://crisis.example.org",
        EMAIL_HOST="smtp.example.org",
        TRUSTED_PROXIES="10.0.0.0/8, fd00::/8",
    )
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 31536000


def test_a_mistyped_trusted_proxy_stops_start_up():
    done = production(
        PUBLIC_BASE_URL="https://crisis.example.org",
        EMAIL_HOST="smtp.example.org",
        TRUSTED_PROXIES="10.0.0/33",
    )
    assert done.returncode != 0 and "TRUSTED_PROXIES" in done.stderr


def test_a_plain_http_address_keeps_cookies_usable_over_http():
    s = settings_of(PUBLIC_BASE_URL="http://crisis.internal", EMAIL_HOST="smtp.example.org")
    assert not s["SESSION_COOKIE_SECURE"] and not s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_SECONDS"] == 0 and not s["SECURE_SSL_REDIRECT"]


def test_explicit_settings_win_over_the_scheme():
    s = settings_of(
        PUBLIC_BASE_URL="https://crisis.example.org",
        EMAIL_HOST="smtp.example.org",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="60",
    )
    assert not s["SESSION_COOKIE_SECURE"] and s["SECURE_HSTS_SECONDS"] == 60


def test_mail_goes_to_the_smtp_server_named_in_production():
    s = settings_of(PUBLIC_BASE_URL="https://crisis.example.org", EMAIL_HOST="smtp.example.org")
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["EMAIL_HOST"] == "smtp.example.org"


def test_mail_goes_to_the_console_in_debug():
    s = settings_of(DEBUG="1")
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_production_without_a_mail_server_refuses_to_start_and_says_why():
    done = production(PUBLIC_BASE_URL="https://crisis.example.org")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "EMAIL_HOST is not set" in done.stderr


def test_choosing_to_send_no_mail_is_allowed_when_said_out_loud():
    s = settings_of(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    assert s["EMAIL_BACKEND"].endswith("dummy.EmailBackend")


@pytest.mark.parametrize("url", ["crisis.example.org", "ftp://crisis.example.org"])
def test_a_public_address_without_a_web_scheme_is_refused(url):
    done = production(PUBLIC_BASE_URL=url, EMAIL_HOST="smtp.example.org")
    assert done.returncode != 0 and "PUBLIC_BASE_URL" in done.stderr
