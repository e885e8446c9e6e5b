"""Outbound content: hold it for a crisis, pause campaigns on platforms, publish what is due."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .connectors import ConnectorError, get_connector
from .models import AdCampaign, CampaignStatus, PauseState, PostStatus, ScheduledPost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldOutbound:
    posts: int
    campaigns: int


def hold_outbound(*, crisis) -> HeldOutbound:
    """Inside the activation transaction: two bulk UPDATEs, no platform call."""
    posts = ScheduledPost.objects.filter(status=PostStatus.SCHEDULED).update(
        status=PostStatus.HELD, held_by=crisis
    )
    campaigns = AdCampaign.objects.filter(status=CampaignStatus.ACTIVE).update(
        status=CampaignStatus.PAUSED, paused_for=crisis, pause_state=PauseState.PENDING, pause_error=""
    )
    return HeldOutbound(posts, campaigns)


def pause_campaigns_on_platforms(*, crisis_id: int) -> dict[str, int]:
    """Reach each platform for the campaigns this crisis paused; record each result."""
    counts = {"paused": 0, "failed": 0}
    pending = AdCampaign.objects.select_related("account").filter(
        paused_for_id=crisis_id, pause_state__in=[PauseState.PENDING, PauseState.FAILED]
    )
    for campaign in pending:
        try:
            get_connector(campaign.account.platform).pause_campaign(external_id=campaign.external_id)
        except ConnectorError as exc:
            AdCampaign.objects.filter(pk=campaign.pk).update(
                pause_state=PauseState.FAILED,
                pause_error=str(exc)[:300],
                pause_attempts=campaign.pause_attempts + 1,
            )
            counts["failed"] += 1
            logger.warning(
                "pausing campaign %s on %s failed: %s", campaign.pk, campaign.account.platform, exc
            )
            continue
        AdCampaign.objects.filter(pk=campaign.pk).update(
            pause_state=PauseState.PAUSED,
            pause_error="",
            pause_confirmed_at=timezone.now(),
            pause_attempts=campaign.pause_attempts + 1,
        )
        counts["paused"] += 1
    return counts


def retry_failed_pauses(*, crisis_id: int) -> int:
    """Queue another platform attempt for the campaigns whose pause failed; returns how many."""
    from .tasks import pause_campaigns_on_platforms as task

    failed = AdCampaign.objects.filter(paused_for_id=crisis_id, pause_state=PauseState.FAILED).update(
        pause_state=PauseState.PENDING
    )
    if failed:
        transaction.on_commit(lambda: task.delay(crisis_id), robust=True)
    return failed


@dataclass(frozen=True)
class Resumed:
    posts: int
    campaigns: int


def resume_outbound(
    *, crisis_id: int, post_ids: list[int] | None = None, campaign_ids: list[int] | None = None
) -> Resumed:
    """Release what this crisis held: all of it (ids None) or the chosen ones. Never automatic."""
    posts = ScheduledPost.objects.filter(held_by_id=crisis_id, status=PostStatus.HELD)
    campaigns = AdCampaign.objects.filter(paused_for_id=crisis_id, status=CampaignStatus.PAUSED)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    with transaction.atomic():
        resumed_posts = posts.update(status=PostStatus.SCHEDULED)
        resumed_campaigns = campaigns.update(status=CampaignStatus.ACTIVE, pause_state=PauseState.NONE)
    return Resumed(resumed_posts, resumed_campaigns)


def discard_held_posts(*, crisis_id: int, post_ids: list[int] | None = None) -> int:
    """Held posts the lead decided never to send: kept, marked discarded, never published."""
    posts = ScheduledPost.objects.filter(held_by_id=crisis_id, status=PostStatus.HELD)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    return posts.update(status=PostStatus.DISCARDED)


def publish_due_posts(*, limit: int = 100) -> int:
    """Publish scheduled posts whose time has come. Never while crisis mode is on."""
    from playbooks.selectors import active_crisis_id, crisis_mode_on

    if crisis_mode_on():
        return 0
    due = list(
        ScheduledPost.objects.filter(
            status=PostStatus.SCHEDULED, scheduled_for__lte=timezone.now()
        ).values_list("pk", flat=True)[:limit]
    )
    published = 0
    for post_id in due:
        # The conditional UPDATE is the claim: an activation that held the post first wins.
        if not ScheduledPost.objects.filter(pk=post_id, status=PostStatus.SCHEDULED).update(
            status=PostStatus.PUBLISHING
        ):
            continue
        post = ScheduledPost.objects.select_related("account").get(pk=post_id)
        if crisis_mode_on():
            ScheduledPost.objects.filter(pk=post_id).update(
                status=PostStatus.HELD, held_by_id=active_crisis_id()
            )
            return published
        published += _publish(post)
    return published


def _publish(post: ScheduledPost) -> int:
    try:
        external_id = get_connector(post.account.platform).publish(
            account_handle=post.account.handle, text=post.text
        )
    except ConnectorError as exc:
        status = PostStatus.SCHEDULED if exc.transient else PostStatus.FAILED
        ScheduledPost.objects.filter(pk=post.pk).update(status=status, error=str(exc)[:300])
        return 0
    ScheduledPost.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, external_id=external_id, published_at=timezone.now(), error=""
    )
    return 1
