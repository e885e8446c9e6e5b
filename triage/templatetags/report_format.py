from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """Reply times as a person says them: 45 s, 4 min 10 s, 2 h 5 min."""
    if seconds is None:
        return gettext("n/a")
    seconds = round(seconds)
    if seconds < 60:
        return gettext("%(s)s s") % {"s": seconds}
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        if sec:
            return gettext("%(m)s min %(s)s s") % {"m": minutes, "s": sec}
        return gettext("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return gettext("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return gettext("%(h)s h") % {"h": hours}


@register.filter
def thousands(value: int | None) -> str:
    return gettext("n/a") if value is None else f"{value:,}"


@register.filter
def percent(value: float | None) -> str:
    return gettext("n/a") if value is None else f"{value * 100:.0f}%"
