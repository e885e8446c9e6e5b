from django.contrib import admin

from .models import AdCampaign, PlatformAccount, ScheduledPost


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "display_name"]
    list_filter = ["platform"]


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
