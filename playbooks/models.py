from django.conf import settings
from django.db import models


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
    ACTIVATED = "activated", "Crisis activated"
    DEACTIVATED = "deactivated", "Crisis ended"
    OUTBOUND_HELD = "outbound_held", "Outbound held"
    PLATFORM_PAUSE = "platform_pause", "Platform pause"
    HUB_PUBLISHED = "hub_published", "Hub page published"
    HUB_UPDATE = "hub_update", "Hub update posted"
    TASK_DONE = "task_done", "Checklist item done"
    TASK_REOPENED = "task_reopened", "Checklist item reopened"


class AuditEntry(models.Model):
    """Append-only timeline of everything that changed the organisation's state."""

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
