from django import template

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """Reply times as a person says them: 45 s, 4 min 10 s, 2 h 5 min."""
    if seconds is None:
        return "n/a"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec} s" if sec else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@register.filter
def thousands(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


@register.filter
def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"
