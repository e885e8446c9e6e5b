from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    X = "x", _("X")
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    REDDIT = "reddit", _("Reddit")
    DEMO = "demo", _("Demo")
    # Mentions a listening tool found on sources we have no connector for (news sites, blogs,
    # forums), pushed through the signed webhook or a CSV import; also their health row.
    GENERIC = "generic", _("Listening tool (webhook/CSV)")


class PlatformAccount(models.Model):
    """One of the organisation's own accounts: where posts go out and replies come from."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100)
    display_name = models.CharField(max_length=120, blank=True)
    # Where and who the account is on its platform; secrets are never stored here, only read
    # from the environment variables the admin page names (social.accounts.credential_names).
    instance_url = models.URLField(
        blank=True,
        help_text=_("Mastodon: the server, e.g. https://mastodon.social. Bluesky: the PDS (optional)."),
    )
    account_id = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The platform's id for the account: Bluesky DID, Mastodon account id, Reddit username."),
    )
    ad_account_id = models.CharField(
        max_length=100, blank=True, help_text=_("Ads: the ad account id, if any.")
    )
    listen_keywords = models.TextField(
        blank=True,
        help_text=_("Words and names to listen for, one per line (brand, product, hashtags, handles, DIDs)."),
    )

    class Meta:
        unique_together = [("platform", "handle")]
        ordering = ["platform", "handle"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"


class PauseState(models.TextChoices):
    """Where an item stands on its platform. Pending items are claimed by one worker at a
    time (pause_started_at) so two runs never call the platform twice for one item."""

    NONE = "", _("—")
    PENDING = "pending", _("Pause pending on platform")
    PAUSED = "paused", _("Paused on platform")
    FAILED = "failed", _("Pause failed")
    RESUMING = "resuming", _("Resume pending on platform")
    RESUMED = "resumed", _("Resumed on platform")
    RESUME_FAILED = "resume_failed", _("Resume failed")


class PostStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held for crisis")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded after a crisis")


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
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


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


class BroadcastStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    DRILL = "drill", _("Drill: recorded, not sent")


class PinState(models.TextChoices):
    NONE = "", _("—")
    PINNED = "pinned", _("Pinned to the profile")
    UNSUPPORTED = "unsupported", _("Not pinned: the platform offers no pin")
    FAILED = "failed", _("Pin failed")


class BroadcastPost(models.Model):
    """Broadcast mode: the one holding post a crisis publishes on one of our own accounts, and
    what happened to it there. The only post that goes out while crisis mode is on."""

    crisis = models.ForeignKey("playbooks.Crisis", on_delete=models.CASCADE, related_name="broadcasts")
    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="broadcasts")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=BroadcastStatus.choices, default=BroadcastStatus.PENDING)
    external_id = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    pin_state = models.CharField(max_length=12, choices=PinState.choices, default="", blank=True)
    pin_error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["account__platform", "account__handle"]
        # One holding post per account per crisis: a second activation run cannot post twice.
        unique_together = [("crisis", "account")]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_status_display()}"


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
        verbose_name_plural = _("connector health")

    def __str__(self) -> str:
        return f"{self.platform} health"


class SetAsideItem(models.Model):
    """An item a platform delivered that could not become a mention (a date from year 1, a
    follower count past bigint): kept with its reason for the connector health page, so a
    bad item is seen and never costs the rest of its batch."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    source = models.CharField(max_length=40)
    reason = models.CharField(max_length=500)
    raw = models.TextField(help_text=_("The item as JSON (ASCII-escaped, cut at 10,000 characters)."))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["platform", "-created_at"], name="setaside_platform_recent")]

    def __str__(self) -> str:
        return f"{self.platform}: {self.reason}"


class StreamCursor(models.Model):
    """Where a stream or poll got to (Jetstream time_us, Mastodon since_id, Reddit created_utc).

    Written only after the batch it covers is committed, so a crash replays rather than loses."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("platform", "name")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.name} = {self.value}"


class HeldNativeSchedule(models.Model):
    """A post scheduled on the platform itself that we moved out of the way for a crisis:
    the original time, so resuming can put it back."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=100)
    original_at = models.DateTimeField()
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("platform", "external_id")]

    def __str__(self) -> str:
        return f"{self.platform} {self.external_id} (was {self.original_at:%Y-%m-%d %H:%M})"


class WebhookReceipt(models.Model):
    """A signed delivery already accepted: the same signature again is a replay."""

    source = models.CharField(max_length=40)
    signature = models.CharField(max_length=128)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        unique_together = [("source", "signature")]

    def __str__(self) -> str:
        return f"{self.source} delivery at {self.received_at:%Y-%m-%d %H:%M:%S}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MentionImport(models.Model):
    """A CSV export from a listening tool, imported in batches through the ingest path."""

    file_name = models.CharField(max_length=200)
    content = models.TextField(help_text=_("The uploaded CSV, kept so the worker needs no shared disk."))
    platform = models.CharField(
        max_length=20,
        blank=True,
        choices=Platform.choices,
        help_text=_("For rows without a platform column."),
    )
    column_map = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_read = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
