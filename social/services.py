"""Outbound content: hold it for a crisis, pause campaigns on platforms, publish what is due."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

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
    crisis = _crisis(crisis_id)
    if crisis is None or crisis.is_drill:
        return {"paused": 0, "failed": 0}
    counts = outbound.run(crisis_id, "pause")
    result = {"paused": counts["done"], "failed": counts["failed"]}
    if counts["done"] or counts["failed"]:
        _audit_platform_run(crisis, "pause", result)
    if not outbound.pending_count(crisis_id) and not outbound.failed_items(crisis_id, "pause"):
        # Everything is confirmed paused: the "pause ads" checklist item ticks itself.
        from playbooks.services import complete_automated

        complete_automated(crisis_id=crisis_id, action="pause_ads")
    return result


def resume_on_platforms(*, crisis_id: int) -> dict[str, int]:
    """Resume on its platform what this crisis paused there and the lead released."""
    crisis = _crisis(crisis_id)
    if crisis is None or crisis.is_drill:
        return {"resumed": 0, "failed": 0}
    counts = outbound.run(crisis_id, "resume")
    result = {"resumed": counts["done"], "failed": counts["failed"]}
    if counts["done"] or counts["failed"]:
        _audit_platform_run(crisis, "resume", result)
    return result


def _crisis(crisis_id: int):
    from playbooks.models import Crisis

    return Crisis.objects.filter(pk=crisis_id).first()


def _audit_platform_run(crisis, action: outbound.Action, counts: dict[str, int]) -> None:
    from playbooks.models import AuditEntry, AuditKind

    done = next(iter(counts.values()))
    verb = "paused" if action == "pause" else "resumed"
    AuditEntry.objects.create(
        at=timezone.now(),
        crisis=crisis,
        kind=AuditKind.PLATFORM_PAUSE,
        description=f"On the platforms: {done} {verb}, {counts['failed']} failed",
        details={"action": action, **counts, "failures": outbound.failed_items(crisis.pk, action)},
    )


def queue_platform_pauses(crisis_id: int) -> None:
    """After the activation commits: the task that reaches the platforms."""
    from .tasks import pause_campaigns_on_platforms as task

    transaction.on_commit(lambda: task.delay(crisis_id), robust=True)


def retry_failed_pauses(*, crisis_id: int) -> int:
    """Another platform attempt for the items whose pause (or resume) failed, and only
    those; returns how many were queued."""
    from .tasks import pause_campaigns_on_platforms as pause_task
    from .tasks import resume_on_platforms as resume_task

    paused = resumed = 0
    with transaction.atomic():
        for _, queryset in outbound._querysets(crisis_id):
            paused += queryset.filter(pause_state=PauseState.FAILED).update(
                pause_state=PauseState.PENDING, pause_started_at=None
            )
            resumed += queryset.filter(pause_state=PauseState.RESUME_FAILED).update(
                pause_state=PauseState.RESUMING, pause_started_at=None
            )
    if paused:
        transaction.on_commit(lambda: pause_task.delay(crisis_id), robust=True)
    if resumed:
        transaction.on_commit(lambda: resume_task.delay(crisis_id), robust=True)
    return paused + resumed


@dataclass(frozen=True)
class Resumed:
    posts: int
    campaigns: int


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
        if native_posts or paused_campaigns:
            from .tasks import resume_on_platforms as task

            transaction.on_commit(lambda: task.delay(crisis_id), robust=True)
    return Resumed(resumed_posts, resumed_campaigns)


def discard_held_posts(*, crisis_id: int, post_ids: list[int] | None = None) -> int:
    """Held posts the lead decided never to send: kept, marked discarded, never published.
    A native one stays paused on its platform."""
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
            status=PostStatus.SCHEDULED, native=False, scheduled_for__lte=timezone.now()
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
    except OutboundError as exc:
        status = PostStatus.SCHEDULED if exc.transient else PostStatus.FAILED
        ScheduledPost.objects.filter(pk=post.pk).update(status=status, error=str(exc)[:300])
        return 0
    ScheduledPost.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, external_id=external_id, published_at=timezone.now(), error=""
    )
    return 1
