from django.contrib import admin

from .models import Alert, Mention, MentionBatch, Note, QueueSettings, ReplyTemplate, Tag, WatchedAuthor


@admin.register(WatchedAuthor)
class WatchedAuthorAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "kind", "note"]
    list_filter = ["kind", "platform"]
    search_fields = ["handle", "note"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "scenario", "variant_count"]
    list_filter = ["tier", "scenario"]

    @admin.display(description="variants")
    def variant_count(self, obj: ReplyTemplate) -> int:
        return len(obj.variants)


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
    list_display = ["created_at", "kind", "message"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "created_at", "message", "details"]

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
