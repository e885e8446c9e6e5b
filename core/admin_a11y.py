"""Django's tabular inlines name their columns in a table header only: each input, select and delete
box of a row gets the column's name as its accessible name (axe: label, select-name)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class LabelledTabularInline(admin.TabularInline):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            # A foreign key's select sits inside the admin's "add / change" wrapper.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", str(field.label or db_field.verbose_name).capitalize())
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", str(_("Delete this row")))

        Labelled.__name__ = formset.__name__
        return Labelled
