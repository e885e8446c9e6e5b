"""The JavaScript catalog of the staff pages, with the project's own date formats."""

from django.utils.formats import get_format
from django.views import i18n

from .formats import EXTRA_FORMATS


class JavaScriptCatalog(i18n.JavaScriptCatalog):
    """Django's catalog (djangojs domain) plus EXTRA_FORMATS, so get_format() in the browser knows
    every format name the templates use."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formats"] |= {name: get_format(name) for name in EXTRA_FORMATS}
        return context
