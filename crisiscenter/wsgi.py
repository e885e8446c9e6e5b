import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
application = get_wsgi_application()
# What the first request would load (every view module through the URLconf, each language's
# catalogue: a quarter of a second, docs/benchmarks.md) is loaded at start instead.
get_resolver().url_patterns  # noqa: B018
for code, _name in settings.LANGUAGES:
    translation.trans_real.translation(code)
# Everything loaded so far (Django, the apps, their modules) lives as long as the process: out of
# the collector's sight, a full collection no longer walks it in the middle of a request.
gc.freeze()
