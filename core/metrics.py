"""Prometheus metrics, right across processes (gunicorn workers, uvicorn, Celery workers).

prometheus_client keeps its figures in the memory of the process that counted them, so
a scrape reaches one gunicorn worker and misses what the others and the Celery workers
counted. Here nothing is kept in a process:

- gauges (queue depth, breaches, sockets) are computed when /metrics is scraped, from
  PostgreSQL and Redis, by the collectors the apps register (`register`);
- counters and histograms that events feed (mentions stored, task durations) live in
  Redis (`count`, `observe`): one pipelined round trip per event, whichever process
  has it. A Redis flush resets them, which Prometheus' rate() already treats as a restart.

/metrics answers only a request with `Authorization: Bearer <METRICS_TOKEN>`; without
METRICS_TOKEN set it answers 404, as if it did not exist.
"""

from __future__ import annotations

import hmac
import logging
import math
from collections.abc import Callable, Iterable
from functools import cache

import redis
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

logger = logging.getLogger(__name__)

PREFIX = "crisiscenter"
# Seconds: a task or a batch is "fast" under 100 ms, "slow" past 10 s.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

Collector = Callable[[], Iterable[Metric]]
_collectors: list[Collector] = []


def register(collector: Collector) -> None:
    """A function yielding metric families, called on every scrape (from an AppConfig.ready())."""
    if collector not in _collectors:
        _collectors.append(collector)


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def _key(name: str) -> str:
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "cc")
    return f"{prefix}:metrics:{name}"


def _label_field(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _labels(field: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in field.split(",")) if field else {}


def count(name: str, amount: int = 1, **labels: str) -> None:
    """Add to the counter `name` (a metric family `<PREFIX>_<name>_total`). Never raises."""
    try:
        _client().hincrby(_key(f"counter:{name}"), _label_field(labels), amount)
    except redis.RedisError as exc:
        logger.warning("metric %s not counted: %s", name, exc)


def observe(name: str, seconds: float, **labels: str) -> None:
    """Record a duration in the histogram `name` (`<PREFIX>_<name>_seconds`). Never raises."""
    field = _label_field(labels)
    pipe = _client().pipeline(transaction=False)
    key = _key(f"histogram:{name}")
    for bound in BUCKETS:
        if seconds <= bound:
            pipe.hincrby(key, f"{field}|{bound}", 1)
    pipe.hincrby(key, f"{field}|count", 1)
    pipe.hincrbyfloat(key, f"{field}|sum", seconds)
    try:
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("metric %s not observed: %s", name, exc)


def _stored_families() -> Iterable[Metric]:
    client = _client()
    for raw_key in client.scan_iter(_key("counter:*")):
        name = raw_key.decode().rsplit("counter:", 1)[1]
        values = client.hgetall(raw_key)
        label_names = sorted(_labels(next(iter(values)).decode())) if values else []
        family = CounterMetricFamily(f"{PREFIX}_{name}", name.replace("_", " "), labels=label_names)
        for field, value in values.items():
            labels = _labels(field.decode())
            family.add_metric([labels[n] for n in label_names], int(value))
        yield family
    for raw_key in client.scan_iter(_key("histogram:*")):
        yield _histogram(raw_key.decode().rsplit("histogram:", 1)[1], client.hgetall(raw_key))


def _histogram(name: str, values: dict[bytes, bytes]) -> Metric:
    series: dict[str, dict[str, float]] = {}
    for field, value in values.items():
        labels, what = field.decode().rsplit("|", 1)
        series.setdefault(labels, {})[what] = float(value)
    label_names = sorted(_labels(next(iter(series)))) if series else []
    family = HistogramMetricFamily(f"{PREFIX}_{name}_seconds", name.replace("_", " "), labels=label_names)
    for labels, figures in series.items():
        buckets = [(str(bound), figures.get(str(bound), 0.0)) for bound in BUCKETS]
        buckets.append(("+Inf", figures.get("count", 0.0)))
        values_by_name = _labels(labels)
        family.add_metric(
            [values_by_name[n] for n in label_names], buckets, sum_value=figures.get("sum", 0.0)
        )
    return family


class _Registry:
    """What generate_latest() asks for: every family, from the collectors and Redis."""

    def collect(self) -> Iterable[Metric]:
        for collector in [*_collectors, _stored_families]:
            try:
                yield from collector()
            except Exception:  # one source down (Redis, say) leaves the others readable
                logger.exception("metrics collector %s failed", getattr(collector, "__name__", collector))


def exposition() -> bytes:
    return generate_latest(_Registry())  # type: ignore[arg-type]


def _authorised(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def finite(value: float | None) -> float:
    return value if value is not None and math.isfinite(value) else 0.0
