"""What each audit entry says, by code; rendered in the reader's language (core.texts).

`audit.record(kind, coded("crisis.activated", scenario=...), ...)` stores the code and its
parameters beside the English text; pages, the API and exports show `AuditEntry.text`.
Parameters that are codes (phase, action, meeting) are rendered through their enum's label.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import AutomatedAction, MeetingKind, Phase

TEXTS = {
    "crisis.activated": _("Crisis activated: {scenario}"),
    "drill.activated": _("Drill activated: {scenario}"),
    "crisis.phase": _("Crisis moved to {phase}"),
    "drill.phase": _("Drill moved to {phase}"),
    "crisis.ended": _("Crisis ended"),
    "drill.ended": _("Drill ended"),
    "crisis.ended_by_real": _("Crisis ended by a real activation"),
    "drill.ended_by_real": _("Drill ended by a real activation"),
    "task.done": _("{department}: {task} done"),
    "task.reopened": _("{department}: {task} reopened"),
    "task.done_automated": _("{department}: {task} done (automated: {action})"),
    "department.acknowledged": _("{department} acknowledged ({target})"),
    "departments.notified": _("Departments notified: {sent} sent, {failed} failed"),
    "hub.updated": _("Hub page updated"),
    "hub.published": _("Hub page published"),
    "outbound.held": _("{posts} scheduled posts and {campaigns} ad campaigns were paused"),
    "outbound.held_drill": _("{posts} scheduled posts and {campaigns} ad campaigns would be paused"),
    "outbound.held_since": _("{posts} scheduled posts and {campaigns} ad campaigns held since activation"),
    "outbound.resumed": _("{posts} held posts and {campaigns} ad campaigns resumed"),
    "outbound.discarded": _("{count} held posts discarded"),
    "broadcast.queued": _("Holding post queued for {accounts} accounts"),
    "broadcast.drill": _("Holding post recorded (drill, not sent) for {accounts} accounts"),
    "broadcast.sent": _("Holding post: {published} published ({pinned} pinned), {failed} failed"),
    "platforms.paused": _("On the platforms: {done} paused, {failed} failed"),
    "platforms.resumed": _("On the platforms: {done} resumed, {failed} failed"),
    "review.meeting_saved": _("Review: {meeting} meeting notes saved"),
    "review.action_added": _("Action item added: {title}"),
    "review.action_done": _("Action item done: {title}"),
    "review.action_reopened": _("Action item reopened: {title}"),
    "review.completed": _("Review completed"),
}


def _label(enum):
    return lambda value: str(enum(value).label).lower()


PARAMS = {"phase": _label(Phase), "action": _label(AutomatedAction), "meeting": _label(MeetingKind)}
