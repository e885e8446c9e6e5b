from django.contrib import admin
from django.db import transaction

from .models import (
    FaqEntry,
    HubContent,
    HubPage,
    HubUpdate,
    HubUpdateRevision,
    ScenarioFaq,
    ScenarioHubText,
    Subscriber,
)
from .services import publish


def _publish_after_commit() -> None:
    transaction.on_commit(publish, robust=True)


class PublishingAdmin(admin.ModelAdmin):
    """Every change made here is on the public page right after it commits."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _publish_after_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _publish_after_commit()


class RevisionInline(admin.TabularInline):
    model = HubUpdateRevision
    extra = 0
    readonly_fields = ["replaced_at", "replaced_by", "body_markdown"]
    can_delete = False


@admin.register(HubUpdate)
class HubUpdateAdmin(PublishingAdmin):
    list_display = ["posted_at", "crisis", "lang", "pinned", "body_markdown"]
    list_filter = ["lang", "pinned"]
    readonly_fields = ["body_html", "edited_at"]
    inlines = [RevisionInline]


@admin.register(HubContent)
class HubContentAdmin(PublishingAdmin):
    list_display = ["title", "crisis", "lang", "updated_at"]


@admin.register(FaqEntry)
class FaqEntryAdmin(PublishingAdmin):
    list_display = ["question", "crisis", "lang", "topic", "anchor"]
    list_filter = ["lang", "topic"]


@admin.register(HubPage)
class HubPageAdmin(PublishingAdmin):
    list_display = ["crisis", "next_update_at", "keep_public"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "lang", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["lang"]
    readonly_fields = ["created_at", "confirm_sent_at", "confirmed_at", "source_hash", "last_request_at"]


# Inlines for playbooks.admin.ScenarioAdmin: what the hub page says when the scenario is activated.
class ScenarioHubTextInline(admin.StackedInline):
    model = ScenarioHubText
    extra = 0


class ScenarioFaqInline(admin.TabularInline):
    model = ScenarioFaq
    extra = 1
    fields = ["lang", "order", "topic", "anchor", "question", "answer"]
