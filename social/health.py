"""What each connector reports about itself: events, errors, rate limits, reconnects.

Each call is one UPDATE with F() expressions, so workers and streams can report at once."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, F, Value, When
from django.utils import timezone

from .models import ConnectorHealth, Platform, SetAsideItem

logger = logging.getLogger(__name__)
SET_ASIDE_KEPT = 500  # per platform: the newest are what an operator needs
RAW_LIMIT = 10_000


def _row(platform: str):
    ConnectorHealth.objects.get_or_create(platform=platform)
    return ConnectorHealth.objects.filter(platform=platform)


def record_events(platform: str, count: int = 1) -> None:
    if count <= 0:
        return
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    same_minute = {"minute_started_at": minute}
    _row(platform).update(
        last_event_at=now,
        events_total=F("events_total") + count,
        events_last_minute=Case(
            When(**same_minute, then=F("events_last_minute")),
            When(minute_started_at=minute - timedelta(minutes=1), then=F("events_this_minute")),
            default=Value(0),
        ),
        events_this_minute=Case(
            When(**same_minute, then=F("events_this_minute") + count), default=Value(count)
        ),
        minute_started_at=minute,
    )


def record_error(platform: str, message: str, *, rate_limited_until: datetime | None = None) -> None:
    now = timezone.now()
    changes = {"errors_total": F("errors_total") + 1, "last_error": message[:300], "last_error_at": now}
    if rate_limited_until is not None:
        changes["rate_limited_until"] = rate_limited_until
    _row(platform).update(**changes)


def record_rate_limit(platform: str, *, retry_after: float) -> None:
    _row(platform).update(rate_limited_until=timezone.now() + timedelta(seconds=retry_after))


def record_reconnect(platform: str) -> None:
    _row(platform).update(reconnects=F("reconnects") + 1, last_reconnect_at=timezone.now())


def set_aside(platform: str, *, source: str, reason: str, item: Any) -> None:
    """Keep an item that could not become a mention, with why, for the health page; count it
    as an error of its connector. The raw item is stored ASCII-escaped (a NUL or lone
    surrogate in it must not fail this write too)."""
    if platform not in Platform.values:
        platform = Platform.GENERIC
    try:
        raw = json.dumps(item, ensure_ascii=True, default=repr)
    except (ValueError, RecursionError):
        raw = repr(item)
    reason = reason.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "")
    SetAsideItem.objects.create(
        platform=platform,
        source=source[:40],
        reason=reason[:500],
        raw=raw[:RAW_LIMIT].replace("\x00", ""),
        created_at=timezone.now(),
    )
    logger.warning("%s: item set aside (%s): %s", platform, source, reason)
    record_error(platform, f"item set aside: {reason}")
    newest_first = SetAsideItem.objects.filter(platform=platform).values_list("pk", flat=True)
    stale = list(newest_first[SET_ASIDE_KEPT : SET_ASIDE_KEPT + 100])
    if stale:
        SetAsideItem.objects.filter(pk__in=stale).delete()


def recently_set_aside(limit: int = 20) -> list[SetAsideItem]:
    return list(SetAsideItem.objects.all()[:limit])


# A connector whose last error is this recent, and newer than its last event, counts as down.
DOWN_WINDOW = timedelta(minutes=15)


def outages(now: datetime | None = None) -> list[dict[str, object]]:
    """Platforms that are down or rate limited right now (the overview's external hiccups):
    label, reason, since when, and until when a rate limit lasts."""
    now = now or timezone.now()
    found = []
    for row in ConnectorHealth.objects.all():
        limited = row.rate_limited_until is not None and row.rate_limited_until > now
        failing = (
            row.last_error_at is not None
            and row.last_error_at > now - DOWN_WINDOW
            and (row.last_event_at is None or row.last_error_at > row.last_event_at)
        )
        if limited or failing:
            found.append(
                {
                    "platform": row.platform,
                    "label": row.get_platform_display(),
                    "reason": row.last_error if failing else "",
                    "since": row.last_error_at if failing else None,
                    "limited_until": row.rate_limited_until if limited else None,
                }
            )
    return found
