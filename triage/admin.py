from django import forms
from django.contrib import admin
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from social.models import ImportStatus, MentionImport

from .inbound.csv_import import FIELDS, parse_map
from .models import (
    Alert,
    Mention,
    MentionBatch,
    Note,
    QueueSettings,
    ReplyTemplate,
    ScenarioKeyword,
    Tag,
    WatchedAuthor,
)
from .tasks import import_mentions


@admin.register(WatchedAuthor)
class WatchedAuthorAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "kind", "note"]
    list_filter = ["kind", "platform"]
    search_fields = ["handle", "note"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "tier", "scenario", "variant_count"]
    list_filter = ["language", "tier", "scenario"]
    search_fields = ["name", "body"]

    @admin.display(description=_("variants"))
    def variant_count(self, obj: ReplyTemplate) -> int:
        return len(obj.variants)


@admin.register(ScenarioKeyword)
class ScenarioKeywordAdmin(admin.ModelAdmin):
    """Words per scenario, topic and language: they pick a mention's topic while that scenario is on."""

    list_display = ["scenario", "language", "topic", "word_preview"]
    list_filter = ["scenario", "language", "topic"]
    search_fields = ["words"]

    @admin.display(description=_("words"))
    def word_preview(self, obj: ScenarioKeyword) -> str:
        return ", ".join(obj.word_list)[:120]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "curated"]
    list_filter = ["curated"]
    search_fields = ["name"]


@admin.register(QueueSettings)
class QueueSettingsAdmin(admin.ModelAdmin):
    """One row: the CRM link, SLA per band, idle claim timeout, repeat warning."""

    def has_add_permission(self, request):
        return not QueueSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "what"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "created_at", "what", "code", "params", "message", "details"]

    @admin.display(description=_("alert"))
    def what(self, obj: Alert) -> str:
        return obj.text  # in the reader's language; `message` keeps the English

    def has_add_permission(self, request):
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["mention", "author", "created_at"]
    readonly_fields = ["mention", "author", "body", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["author_handle", "platform", "band", "score", "topic", "status", "ingested_at"]
    list_filter = ["status", "band", "platform", "topic"]
    search_fields = ["text", "author_handle"]
    readonly_fields = [f.name for f in Mention._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MentionBatch)
class MentionBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "received_at", "source", "item_count", "status", "stored_count", "duplicate_count"]
    list_filter = ["status", "source"]
    exclude = ["items"]
    readonly_fields = [
        "received_at",
        "source",
        "submitted_by",
        "item_count",
        "status",
        "attempts",
        "queued_at",
        "processed_at",
        "stored_count",
        "duplicate_count",
        "error",
    ]

    def has_add_permission(self, request):
        return False


# The CSV upload lives with the inbound pipeline it feeds; the rows it records are social's.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class MentionImportForm(forms.ModelForm):
    csv_file = forms.FileField(label=_("CSV file"), help_text=_("An export from a listening tool, UTF-8."))
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Column map"),
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

    @admin.display(description=_("Rejected rows"))
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
