"""The connector health page: one row per platform, refreshed in place every few seconds."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.roles import Role, role_required

from .accounts import CredentialStatus, credential_names, is_configured, listening_account
from .health import recently_set_aside
from .models import ConnectorHealth, Platform

# The rows shown, in order; "generic" is the signed webhook and CSV imports.
PLATFORMS = [
    (Platform.X.value, "X"),
    (Platform.MASTODON.value, "Mastodon"),
    (Platform.BLUESKY.value, "Bluesky"),
    (Platform.FACEBOOK.value, "Facebook"),
    (Platform.INSTAGRAM.value, "Instagram"),
    (Platform.REDDIT.value, "Reddit"),
    (Platform.GENERIC.value, gettext_lazy("Listening tools (webhook, CSV)")),
]


@dataclass(frozen=True)
class HealthRow:
    platform: str
    label: str
    live: bool
    account: str
    credentials: list[CredentialStatus]
    health: ConnectorHealth | None
    per_minute: int
    this_minute: int
    rate_limited_until: datetime | None
    stale: bool


def _per_minute(row: ConnectorHealth | None, now: datetime) -> tuple[int, int]:
    """Events in the last complete minute, and so far in this one."""
    if row is None or row.minute_started_at is None:
        return 0, 0
    minute = now.replace(second=0, microsecond=0)
    if row.minute_started_at == minute:
        return row.events_last_minute, row.events_this_minute
    if row.minute_started_at == minute - timedelta(minutes=1):
        return row.events_this_minute, 0
    return 0, 0


def health_rows(now: datetime | None = None) -> list[HealthRow]:
    now = now or timezone.now()
    rows = {r.platform: r for r in ConnectorHealth.objects.all()}
    result = []
    for platform, label in PLATFORMS:
        row = rows.get(platform)
        account = listening_account(platform) if platform != Platform.GENERIC else None
        per_minute, this_minute = _per_minute(row, now)
        limited = (
            row.rate_limited_until
            if row and row.rate_limited_until and row.rate_limited_until > now
            else None
        )
        result.append(
            HealthRow(
                platform=platform,
                label=str(label),
                live=is_configured(platform),
                account=f"@{account.handle}" if account else "",
                credentials=credential_names(platform),
                health=row,
                per_minute=per_minute,
                this_minute=this_minute,
                rate_limited_until=limited,
                stale=bool(
                    row
                    and row.last_error_at
                    and (not row.last_event_at or row.last_error_at > row.last_event_at)
                ),
            )
        )
    return result


def _context() -> dict:
    return {
        "rows": health_rows(),
        "now": timezone.now(),
        "demo_connectors": settings.DEMO_CONNECTORS,
        "set_aside": recently_set_aside(),
    }


@role_required(Role.LEAD, Role.ADMIN)
def health_page(request):
    return render(request, "social/health.html", _context())


@role_required(Role.LEAD, Role.ADMIN)
def health_table(request):
    return render(request, "social/_health_table.html", _context())
