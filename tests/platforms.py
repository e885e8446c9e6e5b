"""Shared by the platform tests: documented payloads from tests/fixtures/platforms and the
local platform server wired into settings and credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from social.connectors import registry
from tests.platform_server import PlatformServer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "platforms"

X_SECRET = "x-consumer-secret-for-tests"
META_SECRET = "meta-app-secret-for-tests"
META_VERIFY = "verify-me-please"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def platform(settings, monkeypatch):
    """The local server standing in for api.x.com, ads-api.x.com and graph.facebook.com,
    with credentials for both platforms in the environment."""
    with PlatformServer() as server:
        settings.X_API_BASE = settings.X_ADS_API_BASE = settings.META_GRAPH_BASE = server.url
        settings.SOCIAL_PLATFORM_BASE_DELAY = 0.01
        for name, value in {
            "X_CONSUMER_KEY": "ck",
            "X_CONSUMER_SECRET": X_SECRET,
            "X_ACCESS_TOKEN": "at",
            "X_ACCESS_TOKEN_SECRET": "ats",
            "X_BEARER_TOKEN": "bearer",
            "X_ADS_ACCOUNT_ID": "18ce54d4x5t",
            "META_APP_SECRET": META_SECRET,
            "META_VERIFY_TOKEN": META_VERIFY,
            "META_PAGE_ACCESS_TOKEN": "page-token",
            "META_PAGE_ID": "889083480945134",
        }.items():
            monkeypatch.setenv(name, value)
        registry.reset()
        yield server
    registry.reset()
