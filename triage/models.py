from django.conf import settings
from django.db import models

from social.models import Platform


class Band(models.IntegerChoices):
    P1 = 1, "P1 critical"
    P2 = 2, "P2 high"
    P3 = 3, "P3 normal"
    P4 = 4, "P4 low"


class Topic(models.TextChoices):
    SAFETY = "safety", "Safety"
    REFUND = "refund", "Refund"
    COMPENSATION = "compensation", "Compensation"
    REBOOKING = "rebooking", "Rebooking"
    CANCELLATION = "cancellation", "Cancellation"
    SCHEDULE = "schedule", "Schedule"
    COMPLAINT = "complaint", "Complaint"
    PRAISE = "praise", "Praise"
    OTHER = "other", "Other"


class Tier(models.TextChoices):
    FIRST_LINE = "first_line", "First line"
    EXPERT = "expert", "Experienced agent"


class AuthorKind(models.TextChoices):
    PERSON = "person", "Person"
    INFLUENCER = "influencer", "Influencer"
    JOURNALIST = "journalist", "Journalist"
    NEWS_MEDIA = "news_media", "News media"
    PUBLIC_BODY = "public_body", "Public body"


class MentionStatus(models.TextChoices):
    NEW = "new", "Unanswered"
    CLAIMED = "claimed", "Claimed"
    REPLIED = "replied", "Replied"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


OPEN_STATUSES = (MentionStatus.NEW, MentionStatus.CLAIMED, MentionStatus.REPLIED)


class BatchStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MentionBatch(models.Model):
    """A batch as accepted from a connector or the API, stored before any processing."""

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=40, default="api")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    items = models.JSONField()
    item_count = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    stored_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["queued_at"], name="batch_pending_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self) -> str:
        return f"Batch {self.pk} ({self.item_count} items, {self.status})"


class WatchedAuthor(models.Model):
    """Admin-edited watchlist: known journalists, news media and public bodies."""

    platform = models.CharField(
        max_length=20, choices=Platform.choices, blank=True, help_text="Blank matches any platform."
    )
    handle = models.CharField(max_length=100, help_text="Without the @.")
    kind = models.CharField(max_length=20, choices=AuthorKind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        unique_together = [("platform", "handle")]
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.get_kind_display()})"


class Mention(models.Model):
    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=200)
    text = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    lang = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField()
    in_reply_to = models.CharField(max_length=200, blank=True)
    reshares = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)

    author_handle = models.CharField(max_length=100)
    author_name = models.CharField(max_length=200, blank=True)
    author_followers = models.PositiveBigIntegerField(default=0)
    author_verified = models.BooleanField(default=False)
    author_bio = models.TextField(blank=True)
    author_kind = models.CharField(max_length=20, choices=AuthorKind.choices, default=AuthorKind.PERSON)

    score = models.IntegerField()
    breakdown = models.JSONField(default=list)
    band = models.PositiveSmallIntegerField(choices=Band.choices)
    topic = models.CharField(max_length=20, choices=Topic.choices, default=Topic.OTHER)
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.FIRST_LINE)
    ingested_at = models.DateTimeField()
    sla_due_at = models.DateTimeField()
    # ingested_at minus one minute per score point: ordering by it ranks by score while
    # letting waiting mentions rise, and an index on it serves the queue's top N.
    queue_key = models.DateTimeField()

    status = models.CharField(max_length=10, choices=MentionStatus.choices, default=MentionStatus.NEW)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        MentionBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    crisis = models.ForeignKey(
        "playbooks.Crisis", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="mention_platform_external_uniq")
        ]
        indexes = [
            models.Index(
                fields=["queue_key"],
                name="mention_open_queue_idx",
                condition=models.Q(status__in=["new", "claimed", "replied"]),
            ),
            # The top N for one tier and its count (GET /api/v1/mentions/?tier=, "next"):
            # a range scan, and an index-only count, instead of filtering the whole open queue.
            models.Index(
                fields=["tier", "queue_key"],
                name="mention_open_tier_queue_idx",
                condition=models.Q(status__in=["new", "claimed", "replied"]),
            ),
            models.Index(fields=["ingested_at"], name="mention_ingested_idx"),
        ]

    def __str__(self) -> str:
        return f"@{self.author_handle}: {self.text[:60]}"


class ReplyStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Reply(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="reply_set")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    template = models.ForeignKey("ReplyTemplate", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.SENDING)
    external_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to {self.mention_id} ({self.status})"


class ReplyTemplate(models.Model):
    """A reply in the brand's tone of voice. {name} and {hub_link} are filled in."""

    name = models.CharField(max_length=100, unique=True)
    body = models.TextField(help_text="Use {name} for the author's name and {hub_link} for the hub page.")
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.FIRST_LINE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
