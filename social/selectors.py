from typing import Any

from django.db.models import Count, Q

from .models import AdCampaign, CampaignStatus, PauseState, PlatformAccount, PostStatus, ScheduledPost


def brand_handles() -> frozenset[str]:
    return frozenset(PlatformAccount.objects.values_list("handle", flat=True))


def outbound_to_hold() -> dict[str, int]:
    """What an activation would pause right now (the confirmation summary)."""
    return {
        "posts": ScheduledPost.objects.filter(status=PostStatus.SCHEDULED).count(),
        "campaigns": AdCampaign.objects.filter(status=CampaignStatus.ACTIVE).count(),
    }


def holding_crisis_ids() -> list[int]:
    """The crises whose posts are still held or whose campaigns are still paused, newest first:
    after a close, the overview links to each one's Outbound tab, where the lead releases them."""
    posts = ScheduledPost.objects.filter(status=PostStatus.HELD, held_by__isnull=False)
    campaigns = AdCampaign.objects.filter(status=CampaignStatus.PAUSED, paused_for__isnull=False)
    ids = set(posts.values_list("held_by_id", flat=True).distinct())
    ids |= set(campaigns.values_list("paused_for_id", flat=True).distinct())
    return sorted(ids, reverse=True)


def _pause_counts(queryset) -> dict[str, int]:
    return queryset.aggregate(
        total=Count("id"),
        paused=Count("id", filter=Q(pause_state=PauseState.PAUSED)),
        pending=Count("id", filter=Q(pause_state=PauseState.PENDING)),
        failed=Count("id", filter=Q(pause_state=PauseState.FAILED)),
    )


def outbound_state(crisis_id: int | None) -> dict[str, Any]:
    native = ScheduledPost.objects.filter(native=True)
    if crisis_id is not None:
        native = native.filter(held_by_id=crisis_id)
    failed = Q(pause_state__in=[PauseState.FAILED, PauseState.RESUME_FAILED])
    return {
        "posts_held": ScheduledPost.objects.filter(status=PostStatus.HELD).count(),
        "posts_scheduled": ScheduledPost.objects.filter(status=PostStatus.SCHEDULED).count(),
        "campaigns": _pause_counts(AdCampaign.objects.all()),
        "native_posts": _pause_counts(native),
        "failures": list(AdCampaign.objects.filter(failed).values("name", "pause_error")[:5])
        + [
            {"name": f"Scheduled post: {text[:60]}", "pause_error": error}
            for text, error in native.filter(failed).values_list("text", "pause_error")[:5]
        ],
    }


def outbound_items(crisis_id: int) -> dict[str, list]:
    """Every post and campaign a crisis held, with its pause state (the Outbound tab, resume list)."""
    return {
        "posts": list(ScheduledPost.objects.select_related("account").filter(held_by_id=crisis_id)),
        "campaigns": list(AdCampaign.objects.select_related("account").filter(paused_for_id=crisis_id)),
    }
