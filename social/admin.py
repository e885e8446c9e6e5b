from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core import netguard

from .accounts import credential_names, is_configured
from .models import AdCampaign, ConnectorHealth, PlatformAccount, ScheduledPost


class PlatformAccountForm(forms.ModelForm):
    class Meta:
        model = PlatformAccount
        fields = [
            "platform",
            "handle",
            "display_name",
            "instance_url",
            "account_id",
            "ad_account_id",
            "listen_keywords",
        ]

    def clean_instance_url(self) -> str:
        """Said at once when the server can never be called (a private or loopback address)."""
        url = self.cleaned_data.get("instance_url") or ""
        reason = netguard.refusal(url) if url else None
        if reason:
            raise forms.ValidationError(reason)
        return url


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin):
    form = PlatformAccountForm
    list_display = ["handle", "platform", "display_name", "connector"]
    list_filter = ["platform"]
    fields = [
        "platform",
        "handle",
        "display_name",
        "instance_url",
        "account_id",
        "ad_account_id",
        "listen_keywords",
        "credentials",
    ]
    readonly_fields = ["credentials"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("Connector"))
    def connector(self, obj: PlatformAccount) -> str:
        return "Live" if is_configured(obj.platform) else "Demo (credentials not set)"

    @admin.display(description=_("Credentials (environment)"))
    def credentials(self, obj: PlatformAccount) -> str:
        """Secrets are never stored or shown: only the variable names and whether each is set."""
        if not obj.pk:
            return "Save first; the variables this platform reads are listed here."
        names = credential_names(obj.platform)
        if not names:
            return "This platform's connector reads no secrets."
        rows = format_html_join(
            "", "<li><code>{}</code> {}</li>", ((c.name, "set" if c.is_set else "NOT SET") for c in names)
        )
        return format_html(
            "<ul>{}</ul><p>Set them in the server environment (or NAME_FILE pointing to a file); "
            "restart the workers and stream commands after a change.</p>",
            rows,
        )


@admin.register(ScheduledPost)
class ScheduledPostAdmin(admin.ModelAdmin):
    list_display = ["account", "scheduled_for", "status", "native", "pause_state", "text"]
    list_filter = ["status", "native", "pause_state", "account__platform"]
    # external_id stays editable: for a native post it is the platform's id of the schedule.
    readonly_fields = [
        "held_by",
        "published_at",
        "error",
        "pause_state",
        "pause_error",
        "pause_attempts",
        "pause_started_at",
        "pause_confirmed_at",
    ]


@admin.register(AdCampaign)
class AdCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "status", "pause_state", "pause_error"]
    list_filter = ["status", "pause_state"]
    readonly_fields = [
        "paused_for",
        "pause_state",
        "pause_error",
        "pause_attempts",
        "pause_started_at",
        "pause_confirmed_at",
    ]


@admin.register(ConnectorHealth)
class ConnectorHealthAdmin(admin.ModelAdmin):
    """Read-only: the connectors write these rows (social.health); the health page is the live view."""

    list_display = [
        "platform",
        "last_event_at",
        "events_total",
        "errors_total",
        "last_error",
        "rate_limited_until",
    ]
    readonly_fields = [f.name for f in ConnectorHealth._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
