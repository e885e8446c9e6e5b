from django.db import models


class Platform(models.TextChoices):
    X = "x", "X"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    REDDIT = "reddit", "Reddit"
    DEMO = "demo", "Demo"


class PlatformAccount(models.Model):
    """One of the organisation's own accounts: where posts go out and replies come from."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100)
    display_name = models.CharField(max_length=120, blank=True)

    class Meta:
        unique_together = [("platform", "handle")]
        ordering = ["platform", "handle"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"


class PauseState(models.TextChoices):
    """Where an item stands on its platform. Pending items are claimed by one worker at a
    time (pause_started_at) so two runs never call the platform twice for one item."""

    NONE = "", "—"
    PENDING = "pending", "Pause pending on platform"
    PAUSED = "paused", "Paused on platform"
    FAILED = "failed", "Pause failed"
    RESUMING = "resuming", "Resume pending on platform"
    RESUMED = "resumed", "Resumed on platform"
    RESUME_FAILED = "resume_failed", "Resume failed"


class PostStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held for crisis"
    PUBLISHING = "publishing", "Publishing"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded after a crisis"


class ScheduledPost(models.Model):
    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField()
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=12, choices=PostStatus.choices, default=PostStatus.SCHEDULED)
    held_by = models.ForeignKey(
        "playbooks.Crisis", null=True, blank=True, on_delete=models.SET_NULL, related_name="held_posts"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Scheduled on the platform itself (external_id is the platform's id): our publisher
    # never sends it; a crisis pauses it through the connector and records the result.
    native = models.BooleanField(default=False)
    pause_state = models.CharField(max_length=16, choices=PauseState.choices, default="", blank=True)
    pause_error = models.CharField(max_length=300, blank=True)
    pause_attempts = models.PositiveIntegerField(default=0)
    pause_started_at = models.DateTimeField(null=True, blank=True)
    pause_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for"]
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                name="post_due_idx",
                condition=models.Q(status="scheduled"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} at {self.scheduled_for:%Y-%m-%d %H:%M}"


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class AdCampaign(models.Model):
    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    paused_for = models.ForeignKey(
        "playbooks.Crisis", null=True, blank=True, on_delete=models.SET_NULL, related_name="paused_campaigns"
    )
    pause_state = models.CharField(max_length=16, choices=PauseState.choices, default="", blank=True)
    pause_error = models.CharField(max_length=300, blank=True)
    pause_attempts = models.PositiveIntegerField(default=0)
    pause_started_at = models.DateTimeField(null=True, blank=True)
    pause_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConnectorHealth(models.Model):
    """One row per platform connector, updated by social.health: what the health page shows."""

    platform = models.CharField(max_length=20, choices=Platform.choices, unique=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    events_total = models.PositiveBigIntegerField(default=0)
    minute_started_at = models.DateTimeField(null=True, blank=True)
    events_this_minute = models.PositiveIntegerField(default=0)
    events_last_minute = models.PositiveIntegerField(default=0)
    errors_total = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    reconnects = models.PositiveIntegerField(default=0)
    last_reconnect_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform"]
        verbose_name_plural = "connector health"

    def __str__(self) -> str:
        return f"{self.platform} health"
