from django.conf import settings
from django.db import models

from .append_only import AppendOnlyModel


class Phase(models.TextChoices):
    ACTIVE = "active", "Active"
    AFTERMATH = "aftermath", "Aftermath"
    CLOSED = "closed", "Closed"
    REVIEWED = "reviewed", "Reviewed"


class Scenario(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    hub_title = models.CharField(
        max_length=200, help_text="Headline of the public hub page while this crisis is on."
    )
    hub_summary = models.TextField(help_text="What happened and what we are doing, in plain words.")
    topic_keywords = models.JSONField(
        default=dict,
        blank=True,
        help_text='Extra triage keywords per topic while this scenario is on, e.g. {"refund": ["voucher"]}.',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="checklist_items")
    title = models.CharField(max_length=200)
    department = models.CharField(max_length=80, help_text="Who owns this item, e.g. Legal, IT.")
    order = models.PositiveIntegerField(default=0)
    due_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Due this many minutes after activation."
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Crisis(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="crises")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    is_drill = models.BooleanField(default=False)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.ACTIVE)
    activated_at = models.DateTimeField()
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hub_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-activated_at"]
        verbose_name_plural = "crises"

    def __str__(self) -> str:
        return f"{'Drill: ' if self.is_drill else ''}{self.title}"


class OrganisationState(models.Model):
    """The single row every crisis switch locks. id is always 1."""

    active_crisis = models.OneToOneField(
        Crisis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Active: {self.active_crisis}" if self.active_crisis_id else "Normal"


class ChecklistTask(models.Model):
    """One checklist item as opened for one crisis."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(ChecklistItem, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    department = models.CharField(max_length=80)
    order = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.done_at is None and self.due_at is not None and self.due_at < timezone.now()


class AuditKind(models.TextChoices):
    # The review's kinds (playbooks/review.py)
    REVIEW_MEETING = "review_meeting", "Review meeting notes saved"
    ACTION_ITEM_ADDED = "action_item_added", "Action item added"
    ACTION_ITEM_DONE = "action_item_done", "Action item done"
    ACTION_ITEM_REOPENED = "action_item_reopen", "Action item reopened"
    REVIEW_COMPLETED = "review_completed", "Review completed"
    # The switch and the checklist
    ACTIVATED = "activated", "Crisis activated"
    DEACTIVATED = "deactivated", "Crisis ended"
    OUTBOUND_HELD = "outbound_held", "Outbound held"
    PLATFORM_PAUSE = "platform_pause", "Platform pause"
    HUB_PUBLISHED = "hub_published", "Hub page published"
    HUB_UPDATE = "hub_update", "Hub update posted"
    TASK_DONE = "task_done", "Checklist item done"
    TASK_REOPENED = "task_reopened", "Checklist item reopened"


class AuditEntry(AppendOnlyModel):
    """Append-only timeline of everything that changed the organisation's state.

    Refused here for code paths, and by a database trigger for everything else
    (the `auditentry_append_only` trigger): an entry, once written, is never changed or deleted.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    crisis = models.ForeignKey(
        Crisis, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    kind = models.CharField(max_length=20, choices=AuditKind.choices)
    description = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.description}"


# --- crisis rooms and the post-crisis review (playbooks/rooms.py, playbooks/review.py) ---


class Room(models.TextChoices):
    TEAM = "team", "Response team"
    CARE = "care", "Social care"


class RoomMessage(models.Model):
    """One chat message in a crisis room. Stored as typed; escaped wherever it is shown."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="room_messages")
    room = models.CharField(max_length=8, choices=Room.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["crisis", "room", "-id"], name="room_message_page_idx"),
            models.Index(fields=["author", "posted_at"], name="room_message_rate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.posted_at:%H:%M}: {self.body[:60]}"


class Review(models.Model):
    """The post-crisis review: two meetings, an automatic timeline, action items."""

    crisis = models.OneToOneField(Crisis, on_delete=models.CASCADE, related_name="review")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Review of {self.crisis}"


class MeetingKind(models.TextChoices):
    # Declared in the order they are held: the social team first, then everyone.
    SOCIAL_TEAM = "social_team", "Social team"
    ORGANISATION = "organisation", "Whole organisation"


class ReviewMeeting(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    held_at = models.DateTimeField(null=True, blank=True)
    attendees = models.TextField(blank=True, help_text="Who attended, one per line or comma-separated.")
    worked = models.TextField("What worked", blank=True)
    did_not_work = models.TextField("What did not work", blank=True)
    differently = models.TextField("What would we do differently", blank=True)
    next_steps = models.TextField("What do we do now", blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "kind"], name="review_meeting_kind_uniq")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} meeting"


class ActionItem(models.Model):
    """Something the review decided to do, with an owner and, optionally, the scenario it changes."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_name = models.CharField(
        max_length=120, blank=True, help_text="For an owner without a login, e.g. someone in Legal."
    )
    due_on = models.DateField(null=True, blank=True)
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name
