import httpx
import pytest

from core import http
from social import health
from social.connectors.base import OutboundError
from social.models import ConnectorHealth


def resp(status, headers=None, json=None):
    return httpx.Response(status, headers=headers or {}, json=json)


def test_retry_after_seconds_and_dates():
    assert http.retry_after_seconds(resp(429, {"retry-after": "7"})) == 7
    assert http.retry_after_seconds(resp(429, {"x-rate-limit-reset": "1000"}), now=990) == 10


def test_transient_then_success_retries_with_the_platform_wait():
    calls, sleeps = [], []

    def call():
        calls.append(1)
        if len(calls) == 1:
            raise OutboundError("429", transient=True, retry_after=2)
        return "ok"

    assert http.with_retries(call, sleep=sleeps.append, base_delay=0.01) == "ok"
    assert 2 <= sleeps[0] < 2.02


def test_permanent_error_is_not_retried():
    with pytest.raises(OutboundError):
        http.check(resp(400, json={"error": {"message": "Invalid OAuth access token.", "code": 190}}))


@pytest.mark.django_db
def test_health_counts_events():
    health.record_events("x", 3)
    health.record_events("x", 2)
    health.record_reconnect("x")
    row = ConnectorHealth.objects.get(platform="x")
    assert (row.events_total, row.events_this_minute, row.reconnects) == (5, 5, 1)
