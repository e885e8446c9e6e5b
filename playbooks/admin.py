from django.contrib import admin

from hubpage.admin import ScenarioFaqInline, ScenarioHubTextInline

from .models import AuditEntry, ChecklistItem, ChecklistTask, Crisis, Scenario


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["order", "title", "department", "due_minutes"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "hub_title"]
    search_fields = ["name", "description"]
    inlines = [ChecklistItemInline, ScenarioHubTextInline, ScenarioFaqInline]


class ChecklistTaskInline(admin.TabularInline):
    model = ChecklistTask
    extra = 0
    fields = ["title", "department", "due_at", "done_at", "done_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Crisis)
class CrisisAdmin(admin.ModelAdmin):
    """Crises change only through the switch; the admin shows them."""

    list_display = ["title", "is_drill", "phase", "activated_at", "ended_at"]
    list_filter = ["is_drill", "phase"]
    readonly_fields = [f.name for f in Crisis._meta.fields]
    inlines = [ChecklistTaskInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "description", "actor", "crisis"]
    list_filter = ["kind"]
    readonly_fields = ["at", "kind", "description", "actor", "crisis", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
