from django.contrib import admin
from django.db import transaction

from .models import HubUpdate


@admin.register(HubUpdate)
class HubUpdateAdmin(admin.ModelAdmin):
    list_display = ["posted_at", "crisis", "body_markdown"]
    readonly_fields = ["body_html"]

    def save_model(self, request, obj, form, change):
        from .services import publish

        super().save_model(request, obj, form, change)
        transaction.on_commit(publish, robust=True)

    def delete_model(self, request, obj):
        from .services import publish

        super().delete_model(request, obj)
        transaction.on_commit(publish, robust=True)
