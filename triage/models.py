from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import texts
from social.models import Platform


class Band(models.IntegerChoices):
    P1 = 1, _("P1 critical")
    P2 = 2, _("P2 high")
    P3 = 3, _("P3 normal")
    P4 = 4, _("P4 low")


class Topic(models.TextChoices):
    SAFETY = "safety", _("Safety")
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    REBOOKING = "rebooking", _("Rebooking")
    CANCELLATION = "cancellation", _("Cancellation")
    SCHEDULE = "schedule", _("Schedule")
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    FIRST_LINE = "first_line", _("First line")
    EXPERT = "expert", _("Experienced agent")


class AuthorKind(models.TextChoices):
    PERSON = "person", _("Person")
    INFLUENCER = "influencer", _("Influencer")
    JOURNALIST = "journalist", _("Journalist")
    NEWS_MEDIA = "news_media", _("News media")
    PUBLIC_BODY = "public_body", _("Public body")


class MentionStatus(models.TextChoices):
    NEW = "new", _("Unanswered")
    CLAIMED = "claimed", _("Claimed")
    REPLIED = "replied", _("Replied")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


# Waiting for an answer: counted by the SLA and the queue's figures.
UNANSWERED = [MentionStatus.NEW, MentionStatus.CLAIMED]


OPEN_STATUSES = (MentionStatus.NEW, MentionStatus.CLAIMED, MentionStatus.REPLIED)


class BatchStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("batch status", "Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


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
        max_length=20, choices=Platform.choices, blank=True, help_text=_("Blank matches any platform.")
    )
    handle = models.CharField(max_length=100, help_text=_("Without the @."))
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
    quotes = models.PositiveIntegerField(default=0)
    sentiment = models.FloatField(default=0.0, help_text=_("VADER compound score, -1..+1."))

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
    # Set when the comms lead was told this mention breached its SLA: each breach is told once.
    breach_alerted_at = models.DateTimeField(null=True, blank=True)
    # Set when retention (or an erasure request) removed the personal data (triage.retention):
    # the row stays, with its figures, so each crisis's report reads the same.
    anonymised_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField("Tag", blank=True, related_name="mentions")

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
            # The beat tasks look for breaches not yet told and for idle claims every few seconds.
            models.Index(
                fields=["sla_due_at"],
                name="mention_breach_pending_idx",
                condition=models.Q(status__in=["new", "claimed"], breach_alerted_at__isnull=True),
            ),
            models.Index(
                fields=["claimed_at"], name="mention_claimed_idx", condition=models.Q(status="claimed")
            ),
            # The author card lists earlier mentions by the same author.
            models.Index(fields=["author_handle", "platform"], name="mention_author_idx"),
            # Retention takes the oldest mentions still holding personal data, a batch at a time:
            # without this it would walk past every row it already anonymised.
            models.Index(
                fields=["ingested_at"],
                name="mention_not_anonymised_idx",
                condition=models.Q(anonymised_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.author_handle}: {self.text[:60]}"

    @property
    def web_url(self) -> str:
        """The post's URL when it is http(s), else "": the only URLs shown as links."""
        return self.url if self.url.lower().startswith(("https://", "http://")) else ""


class ReplyStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DRILL = "drill", _("Drill: recorded, not sent")


class Reply(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="reply_set")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    template = models.ForeignKey("ReplyTemplate", null=True, blank=True, on_delete=models.SET_NULL)
    variant = models.PositiveSmallIntegerField(
        default=0, help_text=_("Which variant of the template, from 0.")
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.SENDING)
    external_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"Reply to {self.mention_id} ({self.status})"


VARIANT_SEPARATOR = "\n---\n"


class ReplyTemplate(models.Model):
    """A reply in the brand's tone of voice, in several variants so replies do not read like a robot."""

    name = models.CharField(max_length=100, unique=True)
    body = models.TextField(
        help_text=_(
            "Fields: {name}, {hub_link}, {faq:anchor}. Separate variants with a line holding only ---."
        )
    )
    tier = models.CharField(max_length=12, choices=Tier.choices, default=Tier.FIRST_LINE)
    scenario = models.ForeignKey(
        "playbooks.Scenario",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply_templates",
        help_text=_("Shown first while a crisis of this scenario is active."),
    )
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text="The language its variants are written in (en, fr, zh-hans, ...): offered first for "
        "mentions in that language. Blank: any language.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def variants(self) -> list[str]:
        parts = [part.strip() for part in self.body.replace("\r\n", "\n").split(VARIANT_SEPARATOR)]
        return [part for part in parts if part] or [""]


class ScenarioKeyword(models.Model):
    """Words that mark a topic while a crisis of this scenario is on, in one language (or any).

    Matched like the built-in lexicons (triage/lexicons): at the start of a word in Latin
    scripts, anywhere in Chinese and Japanese, case and accents ignored.
    """

    scenario = models.ForeignKey("playbooks.Scenario", on_delete=models.CASCADE, related_name="keywords")
    language = models.CharField(
        max_length=16, blank=True, help_text=_("en, fr, de, es, it, pt, nl, zh, ja, ... Blank: any language.")
    )
    topic = models.CharField(max_length=20, choices=[c for c in Topic.choices if c[0] != Topic.OTHER])
    words = models.TextField(help_text=_("One word or phrase a line."))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "language", "topic"], name="scenario_keyword_language_topic_uniq"
            )
        ]
        ordering = ["scenario", "language", "topic"]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.language or 'any'} · {self.topic}"

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.replace("\r\n", "\n").split("\n") if w.strip()]


class Tag(models.Model):
    """A label on mentions. Curated tags are the admin's list; agents may add free ones."""

    name = models.CharField(max_length=40, unique=True)
    curated = models.BooleanField(default=True, help_text=_("Offered to every agent; free tags are not."))

    class Meta:
        ordering = ["-curated", "name"]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """A note between agents on a mention ("called her back, waiting for CRM")."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.mention_id}"


class QueueSettings(models.Model):
    """The queue's admin-edited settings: one row (pk=1)."""

    crm_url_pattern = models.CharField(
        max_length=500,
        blank=True,
        help_text="Link to the customer in the CRM, e.g. https://crm.example/search?q={handle}. "
        "Fields: {handle}, {platform}, {name}.",
    )
    sla_p1_minutes = models.PositiveIntegerField(default=15)
    sla_p2_minutes = models.PositiveIntegerField(default=60)
    sla_p3_minutes = models.PositiveIntegerField(default=240)
    sla_p4_minutes = models.PositiveIntegerField(default=1440)
    claim_idle_minutes = models.PositiveIntegerField(
        default=10, help_text=_("A claim with no reply for this long goes back to the queue.")
    )
    repeat_warning_per_hour = models.PositiveIntegerField(
        default=20,
        help_text=_("Warn when the same reply text went out more often than this in the last hour."),
    )

    class Meta:
        verbose_name = verbose_name_plural = "queue settings"

    def __str__(self) -> str:
        return "Queue settings"

    @classmethod
    def load(cls) -> QueueSettings:
        return cls.objects.get_or_create(pk=1)[0]


class AlertKind(models.TextChoices):
    SLA_BREACH = "sla_breach", _("SLA breach")
    SPIKE = "spike", _("Spike")
    HUB_OVERDUE = "hub_overdue", _("Hub update overdue")


class Alert(models.Model):
    """Something the comms lead must see: new SLA breaches, a sudden rise, a missed hub update."""

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    created_at = models.DateTimeField(db_index=True)
    # What to tell as a code and parameters (triage/alert_texts.py), shown in the reader's
    # language by `text`; `message` keeps the English words (all an alert from before codes has).
    code = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=300)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The alert in the active language."""
        return texts.render(self.code, self.params, fallback=self.message)
