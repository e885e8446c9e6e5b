"""Outbound content: hold it for a crisis, pause campaigns on platforms, publish what is due."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from playbooks.models import Crisis
from playbooks.selectors import crisis_mode_on, crisis_mode_on_shared_lock

from . import outbound
from .connectors import OutboundError, get_connector
from .models import AdCampaign, CampaignStatus, PauseState, PostStatus, ScheduledPost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldOutbound:
    posts: int
    campaigns: int
    native_posts: int = 0


def hold_outbound(*, crisis) -> HeldOutbound:
    """Inside the activation transaction: bulk UPDATEs, no platform call. Campaigns and
    platform-native posts are marked pending: the platforms are reached after commit."""
    native = ScheduledPost.objects.filter(status=PostStatus.SCHEDULED, native=True).update(
        status=PostStatus.HELD,
        held_by=crisis,
        pause_state=PauseState.PENDING,
        pause_error="",
        pause_started_at=None,
    )
    posts = ScheduledPost.objects.filter(status=PostStatus.SCHEDULED, native=False).update(
        status=PostStatus.HELD, held_by=crisis
    )
    campaigns = AdCampaign.objects.filter(status=CampaignStatus.ACTIVE).update(
        status=CampaignStatus.PAUSED,
        paused_for=crisis,
        pause_state=PauseState.PENDING,
        pause_error="",
        pause_started_at=None,
    )
    return HeldOutbound(posts + native, campaigns, native)


def pause_campaigns_on_platforms(*, crisis_id: int) -> dict[str, int]:
    """Pause on its platform every campaign and native scheduled post this crisis holds,
    concurrently, each with bounded retries; record each result. Never for a drill."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    if crisis is None or crisis.is_drill:
        return {"paused": 0, "failed": 0}
    counts = outbound.run(crisis_id, "pause")
    return {"paused": counts["done"], "failed": counts["failed"]}


def all_paused(*, crisis_id: int) -> bool:
    """Every item this crisis holds on a platform is confirmed paused: none pending, none failed."""
    return not outbound.pending_count(crisis_id) and not outbound.failed_items(crisis_id, "pause")


def resume_on_platforms(*, crisis_id: int) -> dict[str, int]:
    """Resume on its platform what this crisis paused there and the lead released."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    if crisis is None or crisis.is_drill:
        return {"resumed": 0, "failed": 0}
    counts = outbound.run(crisis_id, "resume")
    return {"resumed": counts["done"], "failed": counts["failed"]}


@dataclass(frozen=True)
class Retried:
    pauses: int
    resumes: int


def retry_failed_pauses(*, crisis_id: int) -> Retried:
    """Mark for another platform attempt the items whose pause (or resume) failed, and only
    those; the caller queues the attempt after commit."""
    pauses = resumes = 0
    with transaction.atomic():
        for _, queryset in outbound._querysets(crisis_id):
            pauses += queryset.filter(pause_state=PauseState.FAILED).update(
                pause_state=PauseState.PENDING, pause_started_at=None
            )
            resumes += queryset.filter(pause_state=PauseState.RESUME_FAILED).update(
                pause_state=PauseState.RESUMING, pause_started_at=None
            )
    return Retried(pauses, resumes)


@dataclass(frozen=True)
class Resumed:
    posts: int
    campaigns: int
    on_platforms: int = 0  # items to resume on their platform: the caller queues that after commit


def resume_outbound(
    *, crisis_id: int, post_ids: list[int] | None = None, campaign_ids: list[int] | None = None
) -> Resumed:
    """Release what this crisis held: all of it (ids None) or the chosen ones. Never automatic.
    What was paused on a platform is resumed there after commit (recorded per item)."""
    posts = ScheduledPost.objects.filter(held_by_id=crisis_id, status=PostStatus.HELD)
    campaigns = AdCampaign.objects.filter(paused_for_id=crisis_id, status=CampaignStatus.PAUSED)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    on_platform = {"pause_state": PauseState.RESUMING, "pause_error": "", "pause_started_at": None}
    with transaction.atomic():
        # Only what the platform confirmed paused needs a resume call there; the rest of
        # each queryset (its filter is on HELD / PAUSED) is released in the database only.
        native_posts = posts.filter(native=True, pause_state=PauseState.PAUSED).update(
            status=PostStatus.SCHEDULED, **on_platform
        )
        paused_campaigns = campaigns.filter(pause_state=PauseState.PAUSED).update(
            status=CampaignStatus.ACTIVE, **on_platform
        )
        resumed_posts = native_posts + posts.update(status=PostStatus.SCHEDULED, pause_state=PauseState.NONE)
        resumed_campaigns = paused_campaigns + campaigns.update(
            status=CampaignStatus.ACTIVE, pause_state=PauseState.NONE
        )
    return Resumed(resumed_posts, resumed_campaigns, native_posts + paused_campaigns)


def discard_held_posts(*, crisis_id: int, post_ids: list[int] | None = None) -> int:
    """Held posts the lead decided never to send: kept, marked discarded, never published.
    A native one stays paused on its platform."""
    posts = ScheduledPost.objects.filter(held_by_id=crisis_id, status=PostStatus.HELD)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    return posts.update(status=PostStatus.DISCARDED)


def publish_due_posts(*, limit: int = 100) -> int:
    """Publish scheduled posts whose time has come. Never while crisis mode is on.

    Each post is claimed and sent under a share lock on the organisation-state row: a switch
    flipped meanwhile waits for the one post in flight (bounded by the platform call's
    timeout) and everything after it sees crisis mode on, so nothing goes out once it is on.
    """
    if crisis_mode_on():
        return 0
    due = list(
        ScheduledPost.objects.filter(
            status=PostStatus.SCHEDULED, native=False, scheduled_for__lte=timezone.now()
        ).values_list("pk", flat=True)[:limit]
    )
    published = 0
    for post_id in due:
        with transaction.atomic():
            if crisis_mode_on_shared_lock():
                return published
            # The conditional UPDATE is the claim: an activation that held the post first wins.
            if not ScheduledPost.objects.filter(pk=post_id, status=PostStatus.SCHEDULED).update(
                status=PostStatus.PUBLISHING
            ):
                continue
            published += _publish(ScheduledPost.objects.select_related("account").get(pk=post_id))
    return published


def _publish(post: ScheduledPost) -> int:
    try:
        external_id = get_connector(post.account.platform).publish(
            account_handle=post.account.handle, text=post.text
        )
    except OutboundError as exc:
        status = PostStatus.SCHEDULED if exc.transient else PostStatus.FAILED
        ScheduledPost.objects.filter(pk=post.pk).update(status=status, error=str(exc)[:300])
        return 0
    ScheduledPost.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, external_id=external_id, published_at=timezone.now(), error=""
    )
    return 1
