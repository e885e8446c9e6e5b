"""One header and tab bar for every page of a crisis (room tabs, rooms, audit trail, review)."""

from django import template
from django.utils.translation import gettext_lazy, pgettext

from core.roles import LEADS, has_role

from ..models import Crisis, Phase
from ..selectors import checklist_progress, may_read_audit

register = template.Library()

PHASE_BUTTONS = {
    Phase.AFTERMATH: gettext_lazy("Move to aftermath"),
    Phase.CLOSED: gettext_lazy("Close the crisis"),
    Phase.REVIEWED: gettext_lazy("Mark reviewed"),
}


def phase_actions(crisis: Crisis) -> list[tuple[str, str]]:
    """The buttons the lead sees for moving the crisis on."""
    return [(str(p), str(PHASE_BUTTONS[p])) for p in crisis.next_phases()]


# Pages outside the room views that still belong to one of its tabs.
TAB_OF_URL = {
    "crisis_rooms": "rooms",
    "crisis_room_chat": "rooms",
    "crisis_timeline": "audit",
    "review": "review",
    "review_meeting": "review",
    "review_action_add": "review",
}


@register.inclusion_tag("playbooks/_room_header.html", takes_context=True)
def crisis_header(context, crisis: Crisis, tab: str = "") -> dict:
    request = context["request"]
    if not tab and request.resolver_match:
        tab = TAB_OF_URL.get(request.resolver_match.url_name, "")
    actions = phase_actions(crisis) if has_role(request.user, LEADS) else []
    if tab == "review":  # the review page completes the review with its own button
        actions = [(to, label) for to, label in actions if to != "reviewed"]
    return {
        "room": crisis,
        "tab": tab,
        "progress": checklist_progress(crisis),
        "phase_actions": actions,
        "may_read_audit": may_read_audit(request.user),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def minutes_short(minutes: int | None) -> str:
    """A wait in minutes the way a person reads it: 18m, 3h 12m, 8d 18h."""
    if minutes is None:
        return ""
    minutes = max(0, int(minutes))
    if minutes < 60:
        return pgettext("a wait, short", "%(m)sm") % {"m": minutes}
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return pgettext("a wait, short", "%(h)sh %(m)sm") % {"h": hours, "m": f"{mins:02d}"}
    days, hours = divmod(hours, 24)
    return pgettext("a wait, short", "%(d)sd %(h)sh") % {"d": days, "h": hours}


@register.filter
def abs_minutes(minutes: int) -> int:
    return abs(int(minutes))
