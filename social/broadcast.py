"""Broadcast mode (rule 2): at activation one holding post goes out on every one of our own
accounts, the one post allowed while crisis mode is on, and is pinned where the platform
lets us. Each account's post is a BroadcastPost row recording what happened to it.

Which platforms pin: Mastodon (POST /api/v1/statuses/:id/pin, its documented API). X, Facebook,
Instagram, Bluesky and Reddit are posted to but not pinned: X's API v2 and Instagram's Graph
API have no pin call, and we do not rewrite a Bluesky profile record or sticky a Reddit post
on the lead's behalf. The Outbound tab says which, per account.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from playbooks.models import Crisis, Phase

from . import health
from .connectors import OutboundError, get_connector
from .models import BroadcastPost, BroadcastStatus, PinState, Platform, PlatformAccount

logger = logging.getLogger(__name__)

# Listening-tool rows are not accounts we post from.
NOT_POSTABLE = (Platform.GENERIC,)
# Where the platform's API lets us pin our own post (the demo connector pins only where the
# real one would).
PINNABLE = frozenset({Platform.MASTODON, Platform.DEMO})


@dataclass(frozen=True)
class Prepared:
    accounts: int
    drill: bool


@dataclass(frozen=True)
class Sent:
    published: int
    failed: int
    pinned: int


def postable_accounts():
    return PlatformAccount.objects.exclude(platform__in=NOT_POSTABLE)


def prepare(*, crisis: Crisis, text: str) -> Prepared:
    """Inside the activation transaction: one row per own account. A drill's rows are recorded
    with the status `drill` and are never sent. Safe to call twice (one row per account)."""
    status = BroadcastStatus.DRILL if crisis.is_drill else BroadcastStatus.PENDING
    rows = [
        BroadcastPost(crisis=crisis, account=account, text=text, status=status)
        for account in postable_accounts()
    ]
    BroadcastPost.objects.bulk_create(rows, ignore_conflicts=True)
    return Prepared(accounts=len(rows), drill=crisis.is_drill)


def send(*, crisis_id: int) -> Sent:
    """Publish every pending holding post of this crisis, then pin it where the platform can.
    Each row is claimed with a conditional UPDATE, so two runs never post twice. A crisis
    that ended before its post went out sends nothing: a stale holding post helps no one."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    pending = BroadcastPost.objects.filter(crisis_id=crisis_id, status=BroadcastStatus.PENDING)
    if crisis is None or crisis.is_drill:
        return Sent(0, 0, 0)
    if crisis.phase != Phase.ACTIVE:
        pending.update(status=BroadcastStatus.FAILED, error="The crisis ended before the post went out.")
        return Sent(0, 0, 0)
    published = failed = pinned = 0
    for post_id in pending.values_list("pk", flat=True):
        if not BroadcastPost.objects.filter(pk=post_id, status=BroadcastStatus.PENDING).update(
            status=BroadcastStatus.SENDING, attempts=F("attempts") + 1
        ):
            continue  # another run took it
        post = BroadcastPost.objects.select_related("account").get(pk=post_id)
        if _publish(post):
            published += 1
            pinned += _pin(post)
        else:
            failed += 1
    logger.info("crisis %s: holding post: %s published, %s failed", crisis_id, published, failed)
    return Sent(published, failed, pinned)


def _publish(post: BroadcastPost) -> bool:
    platform = post.account.platform
    try:
        external_id = get_connector(platform).publish(account_handle=post.account.handle, text=post.text)
    except OutboundError as exc:
        reason = str(exc) or exc.__class__.__name__
        health.record_error(platform, f"holding post: {reason}")
        BroadcastPost.objects.filter(pk=post.pk).update(status=BroadcastStatus.FAILED, error=reason[:300])
        return False
    except Exception as exc:  # a connector bug must not leave the row "sending" for ever
        logger.exception("holding post %s on %s crashed", post.pk, platform)
        BroadcastPost.objects.filter(pk=post.pk).update(
            status=BroadcastStatus.FAILED, error=f"unexpected error: {exc}"[:300]
        )
        return False
    post.external_id = external_id
    BroadcastPost.objects.filter(pk=post.pk).update(
        status=BroadcastStatus.PUBLISHED, external_id=external_id, error="", sent_at=timezone.now()
    )
    return True


def _pin(post: BroadcastPost) -> int:
    pin = getattr(get_connector(post.account.platform), "pin", None)
    if pin is None or post.account.platform not in PINNABLE:
        BroadcastPost.objects.filter(pk=post.pk).update(pin_state=PinState.UNSUPPORTED)
        return 0
    try:
        pin(external_id=post.external_id)
    except OutboundError as exc:
        BroadcastPost.objects.filter(pk=post.pk).update(
            pin_state=PinState.FAILED, pin_error=(str(exc) or exc.__class__.__name__)[:300]
        )
        return 0
    BroadcastPost.objects.filter(pk=post.pk).update(pin_state=PinState.PINNED, pin_error="")
    return 1


def retry_failed(*, crisis_id: int) -> int:
    """Put failed holding posts back to pending; the caller queues send() after commit."""
    with transaction.atomic():
        return BroadcastPost.objects.filter(crisis_id=crisis_id, status=BroadcastStatus.FAILED).update(
            status=BroadcastStatus.PENDING, error=""
        )


def for_crisis(crisis_id: int) -> list[BroadcastPost]:
    return list(BroadcastPost.objects.select_related("account").filter(crisis_id=crisis_id))
