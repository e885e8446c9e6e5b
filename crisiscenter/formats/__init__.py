"""Date, time and number formats of the staff pages, one module per language (FORMAT_MODULE_PATH).

The server applies them with Django's `date`/`time` filters; the browser gets the same strings
from the JavaScript catalog (crisiscenter.i18n.JavaScriptCatalog) and applies them in
static/js/i18n.js, in the same time zone (<html data-tz>). Every language defines every name below.
"""

# Beyond Django's own names (DATE_FORMAT, SHORT_DATETIME_FORMAT, ...): the ones with seconds and hours.
EXTRA_FORMATS = (
    "TIME_SECONDS_FORMAT",
    "SHORT_DATETIME_SECONDS_FORMAT",
    "DATETIME_SECONDS_FORMAT",
    "DAY_HOUR_FORMAT",
)
