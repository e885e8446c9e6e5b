from django.contrib import admin

from .models import Mention, MentionBatch, ReplyTemplate, WatchedAuthor


@admin.register(WatchedAuthor)
class WatchedAuthorAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "kind", "note"]
    list_filter = ["kind", "platform"]
    search_fields = ["handle", "note"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "tier"]
    list_filter = ["tier"]


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
