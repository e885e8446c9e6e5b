"""The queue's figures for Prometheus, computed from PostgreSQL and Redis at each scrape.

Gauges read at scrape time are right whichever process serves /metrics and however many
web and worker processes run; counting them in the processes would give each its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from core.metrics import PREFIX

from . import presence
from .models import Alert, AlertKind, Band, Mention
from .selectors import UNANSWERED


def collect() -> Iterable[Metric]:
    now = timezone.now()
    # One pass over the open queue (the partial index), not one query per band.
    figures = Mention.objects.filter(status__in=UNANSWERED).aggregate(
        breaches=Count("id", filter=Q(sla_due_at__lt=now)),
        **{band.name: Count("id", filter=Q(band=band)) for band in Band},
    )
    depth = GaugeMetricFamily(
        f"{PREFIX}_queue_depth", "Mentions waiting for an answer (new or claimed), by band", labels=["band"]
    )
    for band in Band:
        depth.add_metric([band.name], figures[band.name])
    yield depth
    yield GaugeMetricFamily(
        f"{PREFIX}_sla_breaches", "Unanswered mentions past their SLA deadline", value=figures["breaches"]
    )
    alerts = Alert.objects.filter(kind=AlertKind.SLA_BREACH).count()
    yield CounterMetricFamily(f"{PREFIX}_sla_breach_alerts", "SLA breach alerts raised", value=alerts)
    sockets, agents = presence.sockets_count(), presence.online_count()
    clients = GaugeMetricFamily(
        f"{PREFIX}_websocket_clients", "Open websocket connections, by socket", labels=["socket"]
    )
    clients.add_metric(["triage"], sockets)
    yield clients
    yield GaugeMetricFamily(f"{PREFIX}_agents_online", "Agents with the queue open", value=agents)
