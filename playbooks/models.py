from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import texts

from .append_only import AppendOnlyModel


class Phase(models.TextChoices):
    ACTIVE = "active", _("Active")
    AFTERMATH = "aftermath", _("Aftermath")
    CLOSED = "closed", _("Closed")
    REVIEWED = "reviewed", _("Reviewed")


# Where a crisis may go from each phase. Closing straight from active is the plain "end crisis".
PHASE_MOVES: dict[str, tuple[Phase, ...]] = {
    Phase.ACTIVE: (Phase.AFTERMATH, Phase.CLOSED),
    Phase.AFTERMATH: (Phase.CLOSED,),
    Phase.CLOSED: (Phase.REVIEWED,),
    Phase.REVIEWED: (),
}


class ScenarioKind(models.TextChoices):
    PRODUCT_FAILURE = "product_failure", _("Product failure")
    OUTAGE = "outage", _("Outage")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    SECURITY_INCIDENT = "security_incident", _("Security incident")
    VIOLENCE = "violence", _("Violence or terror")
    OTHER = "other", _("Other")


class AutomatedAction(models.TextChoices):
    PAUSE_POSTS = "pause_posts", _("Pause scheduled posts")
    PAUSE_ADS = "pause_ads", _("Pause ad campaigns on platforms")
    PUBLISH_HUB = "publish_hub", _("Publish the hub page")
    NOTIFY_DEPARTMENTS = "notify_departments", _("Notify the departments")
    POST_HOLDING_STATEMENT = "post_holding_statement", _("Post the holding statement to the hub")


class ChatFormat(models.TextChoices):
    """What the department's chat tool accepts on its incoming webhook (playbooks.notify)."""

    SLACK = "slack", _("Slack (blocks)")
    TEAMS = "teams", _("Microsoft Teams Workflows (Adaptive Card)")
    GENERIC = "generic", _("Generic JSON")


class Department(models.Model):
    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveIntegerField(default=0)
    chat_webhook_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=_("Optional incoming webhook (Slack, Teams, ...) that gets a message on activation."),
    )
    chat_format = models.CharField(
        _("chat format"),
        max_length=10,
        choices=ChatFormat.choices,
        default=ChatFormat.GENERIC,
        help_text=_(
            "What the webhook takes: Teams Workflows accept Adaptive Cards only, Slack takes blocks, "
            "anything else gets plain JSON with a text field."
        ),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="departments",
        help_text=_("Staff who may tick this department's checklist items (leads and admins tick any)."),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        help_text=_("The language of its notifications (en, zh-hans, ...). Blank: the site's language."),
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    on_call = models.BooleanField(default=False, help_text=_("Reached first, day and night."))

    class Meta:
        ordering = ["-on_call", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"


class Scenario(models.Model):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=ScenarioKind.choices, default=ScenarioKind.OTHER)
    description = models.TextField(blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="scenarios", help_text=_("Notified on activation.")
    )
    holding_statement = models.TextField(
        blank=True, help_text=_("Posted to the hub page by the 'post holding statement' checklist item.")
    )
    hub_title = models.CharField(
        max_length=200, help_text=_("Headline of the public hub page while this crisis is on.")
    )
    hub_summary = models.TextField(help_text=_("What happened and what we are doing, in plain words."))
    topic_keywords = models.JSONField(
        default=dict,
        blank=True,
        help_text='Extra triage keywords per topic while this scenario is on, e.g. {"refund": ["voucher"]}.',
    )
    broadcast_text = models.TextField(
        blank=True,
        max_length=260,
        help_text=(
            "Broadcast mode: the one holding post published on every one of our own accounts at "
            "activation (the hub page link is added). Empty: no post."
        ),
    )
    huddle_call_url = models.URLField(
        blank=True,
        max_length=500,
        help_text=_("Kick-off huddle: the standing call link (video or phone bridge)."),
    )
    huddle_agenda = models.TextField(
        blank=True, help_text=_("Kick-off huddle agenda, one point per line (shown on the huddle card).")
    )
    drill_every_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Drill this scenario every N days; empty: no schedule.")
    )
    next_drill_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The next planned drill; reminders go to the leads before it.")
    )
    drill_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingLink(models.Model):
    """A training video or page a volunteer goes through before their first queue (and finds
    again from the queue's help). Without a scenario it is for every crisis."""

    scenario = models.ForeignKey(
        Scenario,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training",
        help_text=_("Empty: shown for every scenario."),
    )
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    minutes = models.PositiveIntegerField(default=5)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingCompletion(models.Model):
    """Who has been through which training link, and when (playbooks/training.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(TrainingLink, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "link"], name="one_completion_per_link")]

    def __str__(self) -> str:
        return f"{self.user} · {self.link}"


class ChecklistItem(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="checklist_items")
    title = models.CharField(max_length=200)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="checklist_items",
        help_text=_("Who owns this item."),
    )
    owner_role = models.CharField(
        max_length=120, blank=True, help_text=_("e.g. Head of social, duty lawyer.")
    )
    order = models.PositiveIntegerField(default=0)
    due_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Due this many minutes after activation.")
    )
    action = models.CharField(
        max_length=30,
        choices=AutomatedAction.choices,
        blank=True,
        help_text=_("Ticks itself when this automated action has finished."),
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
    switch_opened_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the lead opened the switch page (the drill report's start).")
    )

    class Meta:
        ordering = ["-activated_at"]
        verbose_name_plural = _("crises")

    def __str__(self) -> str:
        return f"{'Drill: ' if self.is_drill else ''}{self.title}"

    def next_phases(self) -> tuple[Phase, ...]:
        """The phases this crisis may move to from where it is."""
        return PHASE_MOVES[self.phase]


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
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="checklist_tasks"
    )
    # A past crisis's checklist stays readable if its department is deleted later.
    department_name = models.CharField(
        max_length=80, blank=True, help_text=_("The department's name when the task was opened.")
    )
    owner_role = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=30, choices=AutomatedAction.choices, blank=True)
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
    def department_label(self) -> str:
        """The department's name now, or the one it had when the task was opened if it is gone."""
        return self.department.name if self.department_id else self.department_name

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at is not None and self.due_at < timezone.now()


class AuditKind(models.TextChoices):
    # The review's kinds (playbooks/review.py)
    REVIEW_MEETING = "review_meeting", _("Review meeting notes saved")
    ACTION_ITEM_ADDED = "action_item_added", _("Action item added")
    ACTION_ITEM_DONE = "action_item_done", _("Action item done")
    ACTION_ITEM_REOPENED = "action_item_reopen", _("Action item reopened")
    REVIEW_COMPLETED = "review_completed", _("Review completed")
    # The switch, the checklist and the phases
    ACTIVATED = "activated", _("Crisis activated")
    DEACTIVATED = "deactivated", _("Crisis ended")
    OUTBOUND_HELD = "outbound_held", _("Outbound held")
    PLATFORM_PAUSE = "platform_pause", _("Platform pause")
    HUB_PUBLISHED = "hub_published", _("Hub page published")
    HUB_UPDATE = "hub_update", _("Hub update posted")
    TASK_DONE = "task_done", _("Checklist item done")
    TASK_REOPENED = "task_reopened", _("Checklist item reopened")
    PHASE = "phase", _("Phase changed")
    NOTIFIED = "notified", _("Departments notified")
    RESUMED = "resumed", _("Held outbound resumed")
    DISCARDED = "discarded", _("Held posts discarded")
    BROADCAST = "broadcast", _("Holding post broadcast")
    ACKNOWLEDGED = "acknowledged", _("Notification acknowledged")
    GUEST_INVITED = "guest_invited", _("Outside party invited to a drill")
    ROSTER_CALLED = "roster_called", _("Roster called in")


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
    # The actor's username when the entry was written: it stays when the user is deleted.
    actor_name = models.CharField(max_length=150, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=AuditKind.choices)
    # What happened as a code and parameters (playbooks/audit_texts.py), shown in the reader's
    # language by `text`; `description` keeps the English words (and is all an entry written
    # before codes has).
    code = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text}"

    @property
    def text(self) -> str:
        """What happened, in the active language."""
        return texts.render(self.code, self.params, fallback=self.description)

    def save(self, *args, **kwargs):
        if self.actor is not None and not self.actor_name:
            self.actor_name = self.actor.get_username()
        super().save(*args, **kwargs)

    @property
    def who(self) -> str:
        """The actor's username, also once the user is deleted; blank for the system."""
        return self.actor.get_username() if self.actor is not None else self.actor_name


class PhaseChange(models.Model):
    """Who moved a crisis to which phase, and when (active is the activation itself)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=12, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=12, choices=Phase.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.crisis}: {self.from_phase} -> {self.to_phase}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat webhook")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationDelivery(models.Model):
    """One message to one department contact or webhook about one crisis, and how it went."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="deliveries")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=500, help_text=_("Email address or webhook host."))
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Kick-off huddle: the recipient opened the signed link in the message they got.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__order", "department__name", "channel", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "department", "channel", "target"], name="one_delivery_per_target"
            )
        ]
        verbose_name_plural = _("notification deliveries")

    def __str__(self) -> str:
        return f"{self.department} {self.channel} {self.target}: {self.state}"


class Availability(models.TextChoices):
    ANYTIME = "anytime", _("Any time")
    OFFICE_HOURS = "office_hours", _("Office hours")
    EVENINGS = "evenings", _("Evenings and weekends")
    ON_REQUEST = "on_request", _("On request")


def validate_time_zone(value: str) -> None:
    if value and value not in available_timezones():
        raise ValidationError(
            _("%(zone)s is not a time zone name such as Europe/Lisbon."), params={"zone": value}
        )


class Skill(models.TextChoices):
    """What a roster member knows beyond first-line care; routing prefers them for it."""

    CRM = "crm", _("CRM (customer records)")
    REFUNDS = "refunds", _("Refunds and compensation")
    REBOOKINGS = "rebookings", _("Rebookings and cancellations")
    SAFETY = "safety", _("Safety and welfare")
    PRESS = "press", _("Press and public bodies")


# Mention topics (triage.models.Topic codes) each skill is preferred for.
SKILL_TOPICS: dict[str, frozenset[str]] = {
    Skill.CRM: frozenset({"refund", "compensation", "rebooking", "cancellation"}),
    Skill.REFUNDS: frozenset({"refund", "compensation"}),
    Skill.REBOOKINGS: frozenset({"rebooking", "cancellation", "schedule"}),
    Skill.SAFETY: frozenset({"safety"}),
    Skill.PRESS: frozenset(),
}


class RosterEntry(models.Model):
    """A volunteer from another team, or an outside/overseas team member, who can work the queue."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster")
    team = models.CharField(max_length=120)
    languages = models.CharField(max_length=120, blank=True, help_text=_("Comma separated, e.g. en, fr, nl."))
    availability = models.CharField(
        max_length=16, choices=Availability.choices, default=Availability.OFFICE_HOURS
    )
    phone = models.CharField(max_length=40, blank=True)
    outside_team = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Agency or overseas team name. Anyone with one is held to first-line work."),
    )
    notes = models.TextField(blank=True)
    skills = ArrayField(
        models.CharField(max_length=16, choices=Skill.choices),
        default=list,
        blank=True,
        help_text=_("Routing prefers them for mentions needing these (comma separated codes)."),
    )
    skilled = models.BooleanField(
        _("skilled outside team"),
        default=False,
        help_text=_("An outside team member trained for expert work: not held to first-line work."),
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Where they work from (e.g. Europe/Lisbon, Asia/Manila), for follow-the-sun cover."),
    )

    class Meta:
        ordering = ["team", "user__username"]
        verbose_name_plural = _("roster")

    def __str__(self) -> str:
        return f"{self.user} ({self.team})"


class TrainingState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    TRAINED = "trained", _("Trained")


class TrainingRecord(models.Model):
    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="training")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="trained")
    state = models.CharField(max_length=12, choices=TrainingState.choices, default=TrainingState.NOT_STARTED)
    completed_at = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["scenario__name"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "scenario"], name="one_training_record_per_scenario")
        ]

    def __str__(self) -> str:
        return f"{self.entry.user} · {self.scenario}: {self.state}"


# --- crisis rooms and the post-crisis review (playbooks/rooms.py, playbooks/review.py) ---


class Room(models.TextChoices):
    TEAM = "team", _("Response team")
    CARE = "care", _("Social care")


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
    SOCIAL_TEAM = "social_team", _("Social team")
    ORGANISATION = "organisation", _("Whole organisation")


class ReviewMeeting(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    held_at = models.DateTimeField(null=True, blank=True)
    attendees = models.TextField(blank=True, help_text=_("Who attended, one per line or comma-separated."))
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
        max_length=120, blank=True, help_text=_("For an owner without a login, e.g. someone in Legal.")
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


class DrillGuest(models.Model):
    """An outside party (the airport, the emergency services) invited to one drill: a signed,
    time-limited link that shows that drill's crisis room read-only and its hub page preview,
    and nothing else (playbooks/guests.py). No account: the link is the whole of their access."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation}) · {self.crisis}"


class RosterCall(models.Model):
    """The roster called in at activation: one message to one roster member, and whether they
    answered "on my way" from the link in it (playbooks/callin.py)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="roster_calls")
    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="calls")
    email = models.EmailField()
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry__team", "entry__user__username"]
        constraints = [models.UniqueConstraint(fields=["crisis", "entry"], name="one_roster_call_per_crisis")]

    def __str__(self) -> str:
        return f"{self.entry.user} · {self.crisis}: {self.state}"
