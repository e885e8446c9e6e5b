from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .accounts import credential_names, is_configured
from .imports import FIELDS, parse_map
from .models import AdCampaign, ConnectorHealth, ImportStatus, MentionImport, PlatformAccount, ScheduledPost

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin):
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

    @admin.display(description="Connector")
    def connector(self, obj: PlatformAccount) -> str:
        return "Live" if is_configured(obj.platform) else "Demo (credentials not set)"

    @admin.display(description="Credentials (environment)")
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


class MentionImportForm(forms.ModelForm):
    csv_file = forms.FileField(label="CSV file", help_text="An export from a listening tool, UTF-8.")
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Column map",
        help_text="Optional, one COLUMN=FIELD per line for columns not recognised by name. Fields: "
        + ", ".join(FIELDS),
    )

    class Meta:
        model = MentionImport
        fields = ["platform"]

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 50 MB; split it or use the import_mentions command."
            )
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not UTF-8 text ({exc.reason}); export it as UTF-8."
            ) from exc

    def clean_mapping(self):
        try:
            return parse_map(line for line in self.cleaned_data["mapping"].splitlines() if line.strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(MentionImport)
class MentionImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "rows_read", "accepted", "rejected", "created_by", "created_at"]
    list_filter = ["status"]
    change_form_template = "admin/social/mentionimport/change_form.html"
    progress_fields = [
        "file_name",
        "platform",
        "column_map",
        "status",
        "rows_read",
        "accepted",
        "rejected",
        "rejected_rows",
        "error",
        "created_by",
        "created_at",
        "finished_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MentionImportForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["platform", "csv_file", "mapping"] if obj is None else self.progress_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.progress_fields

    @admin.display(description="Rejected rows")
    def rejected_rows(self, obj: MentionImport) -> str:
        if not obj.problems:
            return "none"
        return format_html_join("", "<div>row {}: {}</div>", ((p["row"], p["reason"]) for p in obj.problems))

    def add_view(self, request, form_url="", extra_context=None):
        buttons = {"show_save_and_add_another": False, "show_save_and_continue": False}
        return super().add_view(request, form_url, {**(extra_context or {}), **buttons})

    def save_model(self, request, obj, form, change):
        if change:
            return
        from .tasks import import_mentions

        obj.file_name, obj.content = form.cleaned_data["csv_file"]
        obj.column_map = form.cleaned_data["mapping"]
        obj.created_by = request.user
        obj.status = ImportStatus.QUEUED
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: import_mentions.delay(obj.pk), robust=True)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:social_mentionimport_change", args=[obj.pk]))  # to its progress

    def has_change_permission(self, request, obj=None):
        return False  # an import is a record of what happened: viewed, never edited


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
