"""Reaching the platforms for what a crisis held: pause (and later resume) every ad
campaign and every platform-native scheduled post through its connector.

Each run claims the items it will call (a row lock, then `pause_started_at`), so two
runs at once never call a platform twice for one item. The calls run concurrently in a
thread pool (the platforms are slow, not we), each with bounded retries that honour
Retry-After; the results are written one by one from the calling thread as they come
back, so the crisis room sees items turn paused or failed while the rest are in flight.
"""

from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.http import with_retries

from . import health
from .connectors import OutboundError, get_connector
from .models import AdCampaign, PauseState, ScheduledPost

logger = logging.getLogger(__name__)

Action = Literal["pause", "resume"]
# An item claimed longer ago than this belongs to a worker that died: claim it again.
CLAIM_TIMEOUT = timedelta(minutes=5)
RECORD_EVERY_S = 0.05


@dataclass(frozen=True)
class Item:
    kind: Literal["campaign", "scheduled"]
    pk: int
    platform: str
    external_id: str


@dataclass(frozen=True)
class Outcome:
    item: Item
    error: str = ""
    rate_limited_for: float | None = None  # the longest wait the platform asked for


def _querysets(crisis_id: int):
    return (
        ("campaign", AdCampaign.objects.filter(paused_for_id=crisis_id)),
        ("scheduled", ScheduledPost.objects.filter(held_by_id=crisis_id, native=True)),
    )


def _model(kind: str):
    return AdCampaign if kind == "campaign" else ScheduledPost


def claim(crisis_id: int, action: Action) -> list[Item]:
    """Take the items waiting for this action; nobody else will call for them meanwhile."""
    waiting = PauseState.PENDING if action == "pause" else PauseState.RESUMING
    now = timezone.now()
    claimed: list[Item] = []
    for kind, queryset in _querysets(crisis_id):
        # One table per transaction, no join under the lock: short, and no lock order to
        # get wrong against another transaction.
        with transaction.atomic():
            ids = list(
                queryset.select_for_update(skip_locked=True)
                .filter(pause_state=waiting)
                .filter(Q(pause_started_at__isnull=True) | Q(pause_started_at__lt=now - CLAIM_TIMEOUT))
                .values_list("pk", flat=True)
            )
            if ids:
                _model(kind).objects.filter(pk__in=ids).update(
                    pause_started_at=now, pause_attempts=F("pause_attempts") + 1
                )
        rows = _model(kind).objects.filter(pk__in=ids).values_list("pk", "account__platform", "external_id")
        claimed += [Item(kind, pk, platform, external_id) for pk, platform, external_id in rows]
    return claimed


def call_platform(item: Item, action: Action) -> Outcome:
    """One item, with bounded retries and backoff; never raises (a result is always recorded)."""
    connector = get_connector(item.platform)
    method = getattr(connector, f"{action}_{item.kind}")
    waits: list[float] = []

    def attempt() -> None:
        try:
            method(external_id=item.external_id)
        except OutboundError as exc:
            if exc.retry_after is not None:
                waits.append(exc.retry_after)
            raise

    try:
        with_retries(
            attempt,
            attempts=settings.SOCIAL_PLATFORM_ATTEMPTS,
            base_delay=settings.SOCIAL_PLATFORM_BASE_DELAY,
            max_delay=settings.SOCIAL_PLATFORM_MAX_DELAY,
        )
    except OutboundError as exc:
        return Outcome(item, str(exc) or exc.__class__.__name__, max(waits, default=None))
    except Exception as exc:  # a connector bug must not leave the item pending for ever
        logger.exception("%s of %s %s on %s crashed", action, item.kind, item.pk, item.platform)
        return Outcome(item, f"unexpected error: {exc}")
    return Outcome(item, rate_limited_for=max(waits, default=None))


def record(outcome: Outcome, action: Action) -> None:
    item, now = outcome.item, timezone.now()
    if outcome.rate_limited_for is not None:
        health.record_rate_limit(item.platform, retry_after=outcome.rate_limited_for)
    waiting = PauseState.PENDING if action == "pause" else PauseState.RESUMING
    if outcome.error:
        state = PauseState.FAILED if action == "pause" else PauseState.RESUME_FAILED
        changes = {"pause_state": state, "pause_error": outcome.error[:300]}
        health.record_error(item.platform, f"{action} {item.kind} {item.external_id}: {outcome.error}")
    else:
        state = PauseState.PAUSED if action == "pause" else PauseState.RESUMED
        changes = {"pause_state": state, "pause_error": "", "pause_confirmed_at": now}
    # Conditional on the state we claimed: a lead's resume in the meantime wins.
    _model(item.kind).objects.filter(pk=item.pk, pause_state=waiting).update(pause_started_at=None, **changes)


def run(crisis_id: int, action: Action) -> dict[str, int]:
    """Claim, call concurrently, record results as they arrive; returns the counts."""
    items = claim(crisis_id, action)
    counts = {"done": 0, "failed": 0}
    if not items:
        return counts
    workers = max(1, min(len(items), settings.SOCIAL_PLATFORM_CONCURRENCY))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"outbound-{action}") as pool:
        pending = {pool.submit(call_platform, item, action) for item in items}
        while pending:
            # What finished within the last moment is written in one commit: the crisis
            # room sees progress several times a second without a commit per item.
            done, pending = wait(pending, timeout=RECORD_EVERY_S, return_when=FIRST_COMPLETED)
            if pending and len(done) < workers:
                more, pending = wait(pending, timeout=RECORD_EVERY_S)
                done |= more
            with transaction.atomic():
                for future in done:
                    outcome = future.result()
                    record(outcome, action)
                    counts["failed" if outcome.error else "done"] += 1
    logger.info("crisis %s: %s on platforms: %s", crisis_id, action, counts)
    return counts


def pending_count(crisis_id: int) -> int:
    return sum(
        queryset.filter(pause_state=PauseState.PENDING).count() for _, queryset in _querysets(crisis_id)
    )


def failed_items(crisis_id: int, action: Action) -> list[dict[str, str]]:
    state = PauseState.FAILED if action == "pause" else PauseState.RESUME_FAILED
    found: list[dict[str, str]] = []
    for kind, queryset in _querysets(crisis_id):
        for pk, name, error in queryset.filter(pause_state=state).values_list(
            "pk", "name" if kind == "campaign" else "text", "pause_error"
        )[:20]:
            found.append({"kind": kind, "id": pk, "name": name[:80], "error": error})
    return found
