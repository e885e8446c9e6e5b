from datetime import datetime, timedelta

from django import template
from django.utils.translation import gettext, pgettext

register = template.Library()


def _clock(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{hours}:{minutes:02d}"
    if days:
        clock = pgettext("days and a clock", "%(d)sd %(clock)s") % {"d": days, "clock": clock}
    return sign + clock


@register.filter
def since(moment: datetime | None, start: datetime) -> str:
    """Time after activation, as +h:mm (a crisis is read against its own clock)."""
    if moment is None or start is None:
        return ""
    return _clock(round((moment - start).total_seconds() / 60))


@register.filter
def offset(minutes: int | None) -> str:
    return "" if minutes is None else _clock(minutes)


@register.filter
def duration(value: float | timedelta | None) -> str:
    """Seconds (or a timedelta) as a short duration: 45 s, 4 min 10 s, 2 h 5 min."""
    if value is None:
        return "—"
    seconds = round(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds < 60:
        return gettext("%(s)s s") % {"s": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        if seconds:
            return gettext("%(m)s min %(s)s s") % {"m": minutes, "s": seconds}
        return gettext("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    return gettext("%(h)s h %(m)s min") % {"h": hours, "m": minutes}


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


@register.filter
def lateness(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes > 0:
        return gettext("%(m)s min late") % {"m": minutes}
    if minutes < 0:
        return gettext("%(m)s min early") % {"m": -minutes}
    return gettext("on time")
