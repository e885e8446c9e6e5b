from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import netguard
from core.admin_a11y import LabelledTabularInline
from core.language import language_field

from . import admin_upload
from .models import (
    AuditEntry,
    ChecklistItem,
    ChecklistTask,
    Contact,
    Crisis,
    Department,
    NotificationDelivery,
    PhaseChange,
    RosterEntry,
    TrainingLink,
    TrainingRecord,
)
from .portable import export_yaml

# URLs typed without a scheme are https (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ContactInline(LabelledTabularInline):
    model = Contact
    extra = 1
    fields = ["name", "role", "email", "phone", "on_call"]


class DepartmentForm(forms.ModelForm):
    """The chat webhook URL is a credential (Slack and Teams keep the secret in its path):
    written here, never shown back, not even to admins; the page names its host only."""

    new_chat_webhook_url = forms.URLField(
        label=_("Chat webhook URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Optional incoming webhook (Slack, Teams, ...) that gets a message on activation. "
            "Paste a URL to set or replace it; leave empty to keep the one saved."
        ),
    )
    remove_chat_webhook = forms.BooleanField(label=_("Remove the chat webhook"), required=False)
    language = language_field(
        blank=_("The site's language"), help_text=_("The language of its notifications.")
    )

    class Meta:
        model = Department
        fields = ["name", "order", "language", "chat_format", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = self.instance.chat_webhook_url if self.instance.pk else ""
        field = self.fields["new_chat_webhook_url"]
        if saved:
            field.help_text = format_lazy(
                "{} {}", _("Saved: %(url)s (hidden).") % {"url": netguard.redact_url(saved)}, field.help_text
            )

    def clean_new_chat_webhook_url(self) -> str:
        url = self.cleaned_data.get("new_chat_webhook_url") or ""
        reason = netguard.refusal(url) if url else None
        if reason:
            raise forms.ValidationError(reason)
        return url

    def save(self, commit=True):
        department = super().save(commit=False)
        if self.cleaned_data.get("new_chat_webhook_url"):
            department.chat_webhook_url = self.cleaned_data["new_chat_webhook_url"]
        elif self.cleaned_data.get("remove_chat_webhook"):
            department.chat_webhook_url = ""
        if commit:
            department.save()
            self.save_m2m()
        return department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ["name", "order", "contact_count", "has_webhook", "chat_format"]
    list_editable = ["order"]
    search_fields = ["name", "contacts__name"]
    filter_horizontal = ["members"]
    inlines = [ContactInline]
    formfield_overrides = HTTPS_URLS

    @admin.display(description=_("contacts"))
    def contact_count(self, obj):
        return obj.contacts.count()

    @admin.display(boolean=True, description=_("chat webhook"))
    def has_webhook(self, obj):
        return bool(obj.chat_webhook_url)


class ChecklistItemInline(LabelledTabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["order", "title", "department", "owner_role", "due_minutes", "action"]
    ordering = ["order", "id"]


class TrainingLinkInline(LabelledTabularInline):
    model = TrainingLink
    extra = 1
    fields = ["order", "title", "url", "minutes"]
    ordering = ["order", "id"]
    formfield_overrides = HTTPS_URLS


@admin.action(description=_("Download selected playbooks (YAML)"))
def download_playbooks(modeladmin, request, queryset):
    response = HttpResponse(export_yaml(queryset), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="playbooks.yaml"'
    return response


class ScenarioAdmin(admin.ModelAdmin):
    """Registered by command.admin with the inlines other apps add (the hub page's texts)."""

    list_display = ["name", "kind", "hub_title"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    # Checkboxes rather than filter_horizontal: its widget carries ARIA that axe flags, and a scenario
    # has a handful of departments.
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        # One labelled input (the admin's split date and time fields carry no label each).
        models.DateTimeField: {
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        },
    }
    fieldsets = [
        (None, {"fields": ["name", "kind", "description", "departments"]}),
        ("Hub page", {"fields": ["hub_title", "hub_summary", "holding_statement"]}),
        ("Triage", {"fields": ["topic_keywords"]}),
        ("Broadcast mode", {"fields": ["broadcast_text"]}),
        ("Kick-off huddle", {"fields": ["huddle_call_url", "huddle_agenda"]}),
        ("Drills", {"fields": ["drill_every_days", "next_drill_at"]}),
    ]
    inlines = [ChecklistItemInline, TrainingLinkInline]
    actions = [download_playbooks]

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="playbooks_scenario_import"), *super().get_urls()]

    def import_view(self, request):
        return admin_upload.import_view(self, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": admin_upload.can_import(request)}
        return super().changelist_view(request, extra_context)


class ChecklistTaskInline(LabelledTabularInline):
    model = ChecklistTask
    extra = 0
    fields = ["title", "department_label", "owner_role", "action", "due_at", "done_at", "done_by"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "done_by")

    @admin.display(description=_("department"))
    def department_label(self, task: ChecklistTask) -> str:
        return task.department_label


class PhaseChangeInline(LabelledTabularInline):
    model = PhaseChange
    extra = 0
    fields = ["from_phase", "to_phase", "at", "by"]
    readonly_fields = fields
    can_delete = False


class DeliveryInline(LabelledTabularInline):
    model = NotificationDelivery
    extra = 0
    fields = ["department", "channel", "target", "state", "attempts", "error", "sent_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Crisis)
class CrisisAdmin(admin.ModelAdmin):
    """Crises change only through the switch and the phase buttons; the admin shows them."""

    list_display = ["title", "is_drill", "phase", "activated_at", "ended_at"]
    list_filter = ["is_drill", "phase"]
    readonly_fields = [f.name for f in Crisis._meta.fields]
    inlines = [PhaseChangeInline, ChecklistTaskInline, DeliveryInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TrainingRecordInline(LabelledTabularInline):
    model = TrainingRecord
    extra = 1
    fields = ["scenario", "state", "completed_at"]


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "team",
        "languages",
        "skills",
        "availability",
        "outside_team",
        "skilled",
        "time_zone",
    ]
    list_filter = ["availability", "skilled", "team"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team", "outside_team"]
    autocomplete_fields = ["user"]
    inlines = [TrainingRecordInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.outside_team and not obj.skilled:
            messages.info(
                request,
                _("%(user)s is held to first-line work (outside team %(team)s).")
                % {"user": obj.user, "team": obj.outside_team},
            )


@admin.register(TrainingLink)
class TrainingLinkAdmin(admin.ModelAdmin):
    """Training shown to helpers before their first queue: without a scenario, for every crisis."""

    list_display = ["title", "scenario", "minutes", "order", "url"]
    list_filter = [("scenario", admin.EmptyFieldListFilter), "scenario"]
    search_fields = ["title", "url"]
    ordering = ["scenario__name", "order", "id"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "what", "actor", "crisis"]
    list_filter = ["kind"]
    readonly_fields = ["at", "kind", "what", "code", "params", "description", "actor", "crisis", "details"]

    @admin.display(description=_("what happened"))
    def what(self, obj: AuditEntry) -> str:
        return obj.text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
