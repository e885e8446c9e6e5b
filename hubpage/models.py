"""The hub page's content: per crisis and language, seeded from per-scenario templates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .render import markdown_to_safe_html


class FaqTopic(models.TextChoices):
    REFUNDS = "refunds", _("Refunds")
    COMPENSATION = "compensation", _("Compensation")
    SCHEDULES = "schedules", _("Schedules")
    CANCELLATIONS = "cancellations", _("Cancellations")
    REBOOKINGS = "rebookings", _("Rebookings")
    OTHER = "other", _("Other")


def _lang_field():
    return models.CharField(max_length=8, default="en", help_text=_("Language code, e.g. en, fr."))


class HubSections(models.Model):
    """The headline answers, in the order the page shows them. Markdown; sanitised when rendered."""

    title = models.CharField(max_length=200)
    what_happened = models.TextField()
    who_is_affected = models.TextField(blank=True)
    what_we_are_doing = models.TextField(blank=True)
    what_you_should_do = models.TextField(blank=True)
    contacts = models.TextField(blank=True, help_text=_("Contact channels, Markdown (phone, email, desks)."))

    class Meta:
        abstract = True


class ScenarioHubText(HubSections):
    """What the hub page says when this scenario is activated, per language."""

    scenario = models.ForeignKey("playbooks.Scenario", on_delete=models.CASCADE, related_name="hub_texts")
    lang = _lang_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scenario", "lang"], name="hub_text_one_per_lang")]
        verbose_name = _("hub page text")

    def __str__(self) -> str:
        return f"{self.scenario} [{self.lang}]"


class ScenarioFaq(models.Model):
    """An aftermath FAQ answer prepared for a scenario; copied to the crisis on activation."""

    scenario = models.ForeignKey("playbooks.Scenario", on_delete=models.CASCADE, related_name="hub_faqs")
    lang = _lang_field()
    topic = models.CharField(max_length=16, choices=FaqTopic.choices)
    anchor = models.SlugField(max_length=60, help_text=_("Stable link target: /hub/<lang>/#<anchor>."))
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text=_("Markdown."))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "lang", "anchor"], name="scenario_faq_anchor_unique")
        ]
        verbose_name = _("hub FAQ template")

    def __str__(self) -> str:
        return self.question


class HubPage(models.Model):
    """Per crisis: when the next update is due, and whether the page stays public afterwards."""

    crisis = models.OneToOneField("playbooks.Crisis", on_delete=models.CASCADE, related_name="hub_page")
    next_update_at = models.DateTimeField(null=True, blank=True)
    keep_public = models.BooleanField(
        default=False, help_text=_("After the crisis, list its summary on the calm hub page.")
    )

    def __str__(self) -> str:
        return f"Hub page of {self.crisis}"


class HubContent(HubSections):
    """The headline sections of one crisis's page in one language."""

    crisis = models.ForeignKey("playbooks.Crisis", on_delete=models.CASCADE, related_name="hub_contents")
    lang = _lang_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["crisis", "lang"], name="hub_content_one_per_lang")]

    def __str__(self) -> str:
        return f"{self.title} [{self.lang}]"


class FaqEntry(models.Model):
    crisis = models.ForeignKey("playbooks.Crisis", on_delete=models.CASCADE, related_name="hub_faqs")
    lang = _lang_field()
    topic = models.CharField(max_length=16, choices=FaqTopic.choices)
    anchor = models.SlugField(max_length=60)
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text=_("Markdown."))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["crisis", "lang", "anchor"], name="faq_anchor_unique")]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question


class HubUpdate(models.Model):
    """A timestamped update on the public hub page. body_html is sanitised on save."""

    crisis = models.ForeignKey("playbooks.Crisis", on_delete=models.CASCADE, related_name="hub_updates")
    lang = _lang_field()
    body_markdown = models.TextField()
    body_html = models.TextField(editable=False)
    pinned = models.BooleanField(default=False, help_text=_("Shown as the key message at the top."))
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    # Subscribers with an id up to this one have been sent this update (batches resume here).
    notified_upto = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.posted_at:%H:%M} {self.body_markdown[:60]}"

    def save(self, *args, **kwargs):
        self.body_html = markdown_to_safe_html(self.body_markdown)
        super().save(*args, **kwargs)


class HubUpdateRevision(models.Model):
    """The text an update had before an edit: nothing posted is ever lost."""

    update = models.ForeignKey(HubUpdate, on_delete=models.CASCADE, related_name="revisions")
    body_markdown = models.TextField()
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.replaced_at:%Y-%m-%d %H:%M} {self.body_markdown[:60]}"


class Subscriber(models.Model):
    """An email address following the hub page. Confirmed by double opt-in."""

    email = models.EmailField(unique=True)
    lang = _lang_field()
    created_at = models.DateTimeField()
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # sha256 of the requesting address: the per-address rate limit, without keeping the IP.
    source_hash = models.CharField(max_length=64, blank=True, db_index=True)
    last_request_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["lang", "id"],
                name="hub_sub_active",
                condition=models.Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class HubWrite(models.Model):
    """Whether the public page on disk is as new as the database (one row, id 1).

    `version` moves on with every committed change the page shows; `written_version` is the
    version the last successful write rendered. While they differ the page is behind: the
    overview says so and the write is retried until it lands (hubpage.tasks.write_hub_page, and
    command.tasks.repair_hub_page on beat).
    """

    version = models.PositiveBigIntegerField(default=0)
    written_version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed writes since the last good one.")

    def __str__(self) -> str:
        return f"hub page v{self.written_version} of v{self.version}"

    @property
    def behind(self) -> int:
        return max(0, self.version - self.written_version)
