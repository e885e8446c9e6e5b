"""Alerts for the comms lead: SLA breaches (once per breach), spikes before the switch is flipped,
and a hub page update that was promised and not posted (once per promised time).

Every alert goes out through `events.send_alert`; the consumers forward it to leads and admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import events, locks, texts
from hubpage.models import HubPage
from hubpage.selectors import hub_crisis, next_update_status
from playbooks.selectors import active_crisis_id

from .models import Alert, AlertKind, Band, Mention
from .sla import Sla
from .spikes import SpikeRules, Window, detect_spike

WINDOW = timedelta(minutes=5)
SPIKE_QUIET = timedelta(minutes=30)  # one alert per rise, not one a minute while it lasts
NEGATIVE_AT = -0.05


def _create(kind: AlertKind, now: datetime, said: texts.Coded, details: dict) -> Alert:
    """The alert with its code and parameters, and its English words for older readers."""
    return Alert.objects.create(
        kind=kind, created_at=now, code=said.code, params=said.params, message=said.english, details=details
    )


def _payload(alert: Alert) -> dict:
    """An alert as the page and API read it: `message` in the active language, and its code and
    parameters for a reader that renders it (each socket renders it in its reader's language)."""
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "message": alert.text,
        "code": alert.code,
        "params": alert.params,
        "created_at": alert.created_at.isoformat(),
        "details": alert.details,
    }


def _send(alert: Alert) -> None:
    events.send_alert({"type": "triage.alert", **_payload(alert)})


def alert_new_breaches(now: datetime | None = None) -> Alert | None:
    """Mark every unanswered mention past its SLA that was not told yet; one alert for the lot."""
    now = now or timezone.now()
    with transaction.atomic():
        # The conditional UPDATE is the claim: two beat runs at once cannot tell a breach twice.
        breached = list(
            Mention.objects.filter(Sla.breached(now), breach_alerted_at__isnull=True)
            .select_for_update(skip_locked=True)
            .values_list("pk", "band")[:5000]
        )
        if not breached:
            return None
        Mention.objects.filter(pk__in=[pk for pk, _ in breached]).update(breach_alerted_at=now)
        by_band = {
            Band(b).name: sum(1 for _, band in breached if band == b)
            for b in sorted({b for _, b in breached})
        }
        worst = ", ".join(f"{n} {band}" for band, n in by_band.items())
        code = "alert.sla_breach_one" if len(breached) == 1 else "alert.sla_breach"
        alert = _create(
            AlertKind.SLA_BREACH,
            now,
            texts.coded(code, count=len(breached), bands=worst),
            {
                "count": len(breached),
                "by_band": by_band,
                "mention_ids": [pk for pk, _ in breached][:50],
            },
        )
        _send(alert)
    return alert


def mention_windows(now: datetime, hours: int) -> tuple[Window, list[Window]]:
    """The last 5 minutes, and every 5-minute window of the `hours` before it (empty ones count as 0)."""
    start = now - timedelta(hours=hours) - WINDOW
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT floor(extract(epoch FROM %s - ingested_at) / 300)::int AS slot, count(*), "
            "count(*) FILTER (WHERE sentiment <= %s) FROM triage_mention "
            "WHERE ingested_at > %s AND ingested_at <= %s GROUP BY slot",
            [now, NEGATIVE_AT, start, now],
        )
        rows = {slot: Window(total, negative) for slot, total, negative in cursor.fetchall()}
    slots = hours * 12
    return rows.get(0, Window(0, 0)), [rows.get(slot, Window(0, 0)) for slot in range(1, slots + 1)]


@dataclass(frozen=True)
class SpikeCheck:
    alert: Alert | None
    reason: str


def check_for_spike(now: datetime | None = None) -> SpikeCheck:
    now = now or timezone.now()
    if active_crisis_id() is not None:
        return SpikeCheck(None, "crisis mode is already on")
    with transaction.atomic():
        # Every node may run beat: the lock makes a second check wait and then see the first
        # one's alert, so one rise raises one alert.
        locks.xact_lock("triage.spike-check")
        if Alert.objects.filter(kind=AlertKind.SPIKE, created_at__gt=now - SPIKE_QUIET).exists():
            return SpikeCheck(None, "a spike was already reported in the last 30 minutes")
        current, baseline = mention_windows(now, settings.SPIKE_BASELINE_HOURS)
        spike = detect_spike(current, baseline, SpikeRules(min_mentions=settings.SPIKE_MIN_MENTIONS))
        if spike is None:
            return SpikeCheck(None, f"no spike: {current.total} mentions in the last 5 minutes")
        alert = _create(
            AlertKind.SPIKE,
            now,
            texts.coded(spike.code, **spike.params),
            {
                "volume": spike.volume,
                "baseline_volume": spike.baseline_volume,
                "negative_share": round(spike.negative_share, 3),
                "baseline_negative_share": round(spike.baseline_negative_share, 3),
                "activate_url": "/playbooks/switch/",
            },
        )
        _send(alert)
    return SpikeCheck(alert, spike.message)


def alert_missed_hub_update(now: datetime | None = None) -> Alert | None:
    """One alert when the hub page's promised next update time passes with no update posted."""

    now = now or timezone.now()
    crisis = hub_crisis()
    if crisis is None:
        return None
    with transaction.atomic():
        # Locking the page row makes two beat runs at once agree on a single alert.
        if HubPage.objects.select_for_update().filter(crisis=crisis).first() is None:
            return None
        due, overdue = next_update_status(crisis, now)
        if not overdue:
            return None
        promised = due.isoformat()
        told = Alert.objects.filter(
            kind=AlertKind.HUB_OVERDUE, details__crisis_id=crisis.pk, details__next_update_at=promised
        )
        if told.exists():
            return None
        local = timezone.localtime(due)
        alert = _create(
            AlertKind.HUB_OVERDUE,
            now,
            texts.coded("alert.hub_overdue", time=f"{local:%H:%M}"),
            {"crisis_id": crisis.pk, "next_update_at": promised, "edit_url": reverse("hub_editor")},
        )
        _send(alert)
    return alert


def recent_alerts(limit: int = 3, within: timedelta = timedelta(hours=1)) -> list[dict]:
    since = timezone.now() - within
    return [_payload(a) for a in Alert.objects.filter(created_at__gte=since)[:limit]]
