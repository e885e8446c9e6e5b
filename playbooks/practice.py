"""Practising the plan (rule 1) and learning from it (rule 6): which plans need the lead's
attention (never drilled, a planned drill missed, untouched for too long), the reminders
before a planned drill, the review to hold once the team has rested, and the lessons past
reviews left on a scenario."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import LEADS

from .models import ActionItem, Crisis, Phase, ReviewMeeting, Scenario

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanFlag:
    scenario: Scenario
    kind: str  # never_drilled | drill_overdue | untouched | review_due
    message: str
    crisis: Crisis | None = None


def _days(setting: str, default: int) -> timedelta:
    return timedelta(days=getattr(settings, setting, default))


def plan_flags(now: datetime | None = None) -> list[PlanFlag]:
    """What the overview flags to the lead about the plans themselves."""
    now = now or timezone.now()
    stale = _days("PLAN_STALE_DAYS", 180)
    flags: list[PlanFlag] = []
    scenarios = Scenario.objects.annotate(
        last_drill=Max("crises__activated_at", filter=Q(crises__is_drill=True))
    )
    for s in scenarios:
        if s.last_drill is None:
            flags.append(
                PlanFlag(s, "never_drilled", _("%(name)s has never been drilled.") % {"name": s.name})
            )
        if (
            s.next_drill_at
            and s.next_drill_at < now
            and (s.last_drill is None or s.last_drill < s.next_drill_at)
        ):
            flags.append(
                PlanFlag(
                    s,
                    "drill_overdue",
                    _("%(name)s: the drill planned for %(when)s has not happened.")
                    % {"name": s.name, "when": timezone.localtime(s.next_drill_at).strftime("%d %b %Y")},
                )
            )
        if s.updated_at < now - stale:
            flags.append(
                PlanFlag(
                    s,
                    "untouched",
                    _("%(name)s has not been updated for %(days)d days.")
                    % {"name": s.name, "days": (now - s.updated_at).days},
                )
            )
    return flags + review_flags(now)


def review_flags(now: datetime | None = None) -> list[PlanFlag]:
    """Real crises closed long enough ago for the team to have rested, whose review is not done."""
    now = now or timezone.now()
    rested = now - _days("REVIEW_REST_DAYS", 3)
    due = (
        Crisis.objects.filter(is_drill=False, phase=Phase.CLOSED, ended_at__lte=rested)
        .select_related("scenario")
        .order_by("ended_at")
    )
    return [
        PlanFlag(
            c.scenario,
            "review_due",
            _("Hold the review of %(title)s: it ended %(days)d days ago and the team has rested.")
            % {"title": c.title, "days": (now - c.ended_at).days},
            crisis=c,
        )
        for c in due
    ]


def _leads_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    names = [role.value for role in LEADS]
    return sorted(
        set(users.filter(Q(groups__name__in=names) | Q(is_superuser=True)).values_list("email", flat=True))
    )


def send_drill_reminders(now: datetime | None = None) -> int:
    """Beat: a planned drill coming within DRILL_REMIND_DAYS gets one reminder to the leads; a
    drill held since the planned date moves the plan on by its interval. Returns reminders sent."""
    now = now or timezone.now()
    window = _days("DRILL_REMIND_DAYS", 7)
    sent = 0
    for scenario in Scenario.objects.filter(next_drill_at__isnull=False):
        _roll_on(scenario)
        if not (now <= scenario.next_drill_at <= now + window):
            continue
        with transaction.atomic():
            # The conditional UPDATE is the claim: every node may run beat, one reminder goes out.
            claimed = (
                Scenario.objects.filter(pk=scenario.pk)
                .filter(
                    Q(drill_reminded_at__isnull=True)
                    | Q(drill_reminded_at__lt=scenario.next_drill_at - window)
                )
                .update(drill_reminded_at=now)
            )
        if claimed and _remind(scenario):
            sent += 1
    return sent


def _roll_on(scenario: Scenario) -> None:
    if not scenario.drill_every_days or scenario.next_drill_at > timezone.now():
        return
    drilled = scenario.crises.filter(
        is_drill=True, activated_at__gte=scenario.next_drill_at - timedelta(days=1)
    )
    if drilled.exists():
        scenario.next_drill_at += timedelta(days=scenario.drill_every_days)
        Scenario.objects.filter(pk=scenario.pk).update(next_drill_at=scenario.next_drill_at)


def _remind(scenario: Scenario) -> bool:
    to = _leads_emails()
    if not to:
        logger.warning("drill of %s is due but no lead has an email address", scenario)
        return False
    when = timezone.localtime(scenario.next_drill_at).strftime("%A %d %B %Y, %H:%M")
    subject = _("Drill reminder: %(name)s on %(when)s") % {"name": scenario.name, "when": when}
    body = _(
        "The next drill of %(name)s is planned for %(when)s.\n\n"
        "Invite the departments, book the room and the call, then run it from the switch with "
        "'This is a drill' ticked: %(url)s\n"
    ) % {"name": scenario.name, "when": when, "url": f"{settings.PUBLIC_BASE_URL}/playbooks/switch/"}
    try:
        send_mail(subject, body, None, to, fail_silently=False)
    except OSError as exc:
        logger.warning("drill reminder for %s not sent: %s", scenario, exc)
        Scenario.objects.filter(pk=scenario.pk).update(drill_reminded_at=None)  # try again next run
        return False
    return True


@dataclass(frozen=True)
class Lessons:
    open_items: list[ActionItem]
    meetings: list[ReviewMeeting]


def lessons(scenario: Scenario) -> Lessons:
    """What past reviews left for this scenario: its open action items, and what each review
    meeting of its crises found (newest first)."""
    items = list(
        ActionItem.objects.filter(scenario=scenario, done_at__isnull=True)
        .select_related("owner", "review__crisis")
        .order_by("due_on", "created_at")
    )
    meetings = list(
        ReviewMeeting.objects.filter(review__crisis__scenario=scenario, held_at__isnull=False)
        .select_related("review__crisis")
        .order_by("-held_at")[:10]
    )
    return Lessons(items, meetings)
