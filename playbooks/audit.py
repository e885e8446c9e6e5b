"""Writing audit entries with before/after values, and showing them readably.

Every state change goes into the append-only trail as one `AuditEntry`; a change
of values carries `details = {"before": {...}, "after": {...}, ...}`. What happened is
`says("code", **params)` (the sentences are in playbooks/audit_texts.py), shown in the
reader's language by `AuditEntry.text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.texts import Coded, coded

from .models import AuditEntry, AuditKind, Crisis

# The milestones of a crisis, not every tick: what the review's automatic timeline and the
# overview show to every staff member. The whole trail is for leads and admins
# (playbooks.selectors.check_audit_reader).
MILESTONES = (
    AuditKind.ACTIVATED,
    AuditKind.OUTBOUND_HELD,
    AuditKind.HUB_PUBLISHED,
    AuditKind.HUB_UPDATE,
    AuditKind.NOTIFIED,
    AuditKind.PLATFORM_PAUSE,
    AuditKind.PHASE,
    AuditKind.RESUMED,
    AuditKind.DISCARDED,
    AuditKind.DEACTIVATED,
    AuditKind.REVIEW_COMPLETED,
)


def record(
    kind: AuditKind,
    description: Coded | str,
    *,
    crisis: Crisis | None,
    actor,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **details: Any,
) -> AuditEntry:
    details = _jsonable(details)
    if before is not None or after is not None:
        before, after = before or {}, after or {}
        # PostgreSQL's jsonb does not keep key order: keep the fields' order beside them.
        fields = list(dict.fromkeys([*before, *after]))
        details = {**details, "fields": fields, "before": _jsonable(before), "after": _jsonable(after)}
    code, params = "", {}
    if isinstance(description, Coded):
        # The English words go beside the code: what logs, exports and older readers show.
        code, params, description = description.code, _jsonable(description.params), description.english
    return AuditEntry.objects.create(
        at=timezone.now(),
        kind=kind,
        code=code,
        params=params,
        description=description[:300],
        crisis=crisis,
        actor=actor,
        details=details,
    )


says = coded  # audit.record(kind, audit.says("crisis.activated", scenario=name), ...)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif hasattr(value, "pk") or isinstance(value, Promise):
            value = str(value)
        out[key] = value
    return out


# --- showing an entry -------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


# Labels for the fields whose names do not read well on their own.
LABELS = {
    "held_at": _("Held on"),
    "worked": _("What worked"),
    "did_not_work": _("What did not work"),
    "differently": _("What we would do differently"),
    "next_steps": _("What we do now"),
    "due_on": _("Due"),
    "done_at": _("Done at"),
    "phase": _("Phase"),
    "done": _("Done"),
    "title": _("Title"),
    "owner": _("Owner"),
    "status": _("Status"),
    "posts": _("Posts"),
    "campaigns": _("Ad campaigns"),
    "active_crisis": _("Active crisis"),
    "reviewed_at": _("Reviewed at"),
    "accounts": _("Accounts"),
    "action": _("Action"),
    "action_item": _("Action item"),
    "automated": _("Automated"),
    "campaign_ids": _("Ad campaigns"),
    "channel": _("Channel"),
    "department": _("Department"),
    "drill": _("Drill"),
    "sent": _("Sent"),
    "pending": _("Pending"),
    "failed": _("Failed"),
    "failures": _("Failures"),
    "guest": _("Guest"),
    "meeting": _("Meeting"),
    "pinned": _("Pinned"),
    "post_ids": _("Posts"),
    "published": _("Published"),
    "revoked": _("Revoked"),
    "roster_call": _("Roster call-in"),
    "task": _("Checklist item"),
    "reason": _("Reason"),
}
NOT_EXTRAS = ("before", "after", "fields")


def label(key: str) -> str:
    return str(LABELS.get(key) or key.replace("_", " ").capitalize())


def show(value: Any) -> str:
    """A value as a person reads it: dates in local time, yes/no, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        parsed = parse_datetime(value)
        if parsed is not None:
            return date_format(timezone.localtime(parsed), pgettext("audit date format", "d M Y H:i"))
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{label(k)}: {show(v)}" for k, v in value.items()) or "—"
    return str(value)


def changes(details: dict[str, Any]) -> list[Change]:
    """Before/after pairs, one per field that has either."""
    before, after = details.get("before"), details.get("after")
    if before is None and after is None:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [Change(str(_("Value")), show(before), show(after))]
    keys = list(dict.fromkeys([*details.get("fields", []), *before, *after]))
    return [Change(label(k), show(before.get(k)), show(after.get(k))) for k in keys]


def extras(details: dict[str, Any]) -> list[tuple[str, str]]:
    """The other details (counts, ids, flags), labelled."""
    return [(label(k), show(v)) for k, v in details.items() if k not in NOT_EXTRAS]
