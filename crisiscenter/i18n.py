"""The JavaScript catalog of the staff pages, with the project's own date formats."""

from django.utils import timezone
from django.utils.formats import get_format
from django.views import i18n
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified

from .formats import EXTRA_FORMATS

# The catalogs change only with a deploy, which restarts the process: a browser revalidating the
# catalog (its URL names the language) gets a 304 instead of the whole catalog built again. no-cache:
# it always asks, so a deploy's new strings are there on the next page (no heuristic freshness).
_STARTED = timezone.now()


class JavaScriptCatalog(i18n.JavaScriptCatalog):
    """Django's catalog (djangojs domain) plus EXTRA_FORMATS, so get_format() in the browser knows
    every format name the templates use."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formats"] |= {name: get_format(name) for name in EXTRA_FORMATS}
        return context


javascript_catalog = cache_control(no_cache=True)(
    last_modified(lambda request, **kwargs: _STARTED)(JavaScriptCatalog.as_view())
)
