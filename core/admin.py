"""API tokens in the admin: made here (the key shown once, in the message after saving),
expiry set, revoked; never read back. A user's page also sets their language (Profile)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tokens
from .language import language_field
from .models import ApiToken, Profile


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created", "expires_at", "last_used", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created", "last_used")
    actions = ("revoke_selected",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name", "expires_at")
        return ("user", "name", "prefix", "created", "expires_at", "last_used", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "prefix", "created", "last_used") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = tokens.issue(user=obj.user, name=obj.name, expires_at=obj.expires_at)
        obj.pk = issued.token.pk
        obj.key_hash, obj.prefix, obj.created = (
            issued.token.key_hash,
            issued.token.prefix,
            issued.token.created,
        )
        obj._state.adding = False
        messages.warning(
            request,
            _("The new token is %(key)s. Copy it now: it is stored hashed and cannot be shown again.")
            % {"key": issued.key},
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row keeps who had which token, and when

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        count = tokens.revoke(queryset)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})


class ProfileForm(forms.ModelForm):
    language = language_field(
        blank=gettext_lazy("Follow the browser"),
        help_text=gettext_lazy("The language of the staff pages. It applies from the user's next sign-in."),
    )

    class Meta:
        model = Profile
        fields = ["language"]


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    extra = 1
    max_num = 1


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserWithProfileAdmin(UserAdmin):
    inlines = [ProfileInline]
    # Set by Django, not by hand (and their split date and time inputs carry no label of their own).
    readonly_fields = ("last_login", "date_joined")
