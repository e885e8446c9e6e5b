"""Telling every involved department: one email per contact, one chat webhook post per
department, each delivery recorded with its result (the Departments tab).

The chat post is written in the format the department's tool takes today (Department.chat_format):
Microsoft Teams Workflows webhooks accept Adaptive Cards only (a `message` with one card
attachment), Slack incoming webhooks take blocks with a `text` fallback for notifications, and
anything else gets generic JSON: the same `text` plus the crisis as fields.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_supported_language_variant, gettext, pgettext
from django.utils.translation import gettext as _

from core import events, netguard
from core.http import OutboundError, guarded_client, request, with_retries

from . import audit, huddle
from .models import (
    AuditEntry,
    AuditKind,
    AutomatedAction,
    Channel,
    ChatFormat,
    Crisis,
    DeliveryState,
    Department,
    NotificationDelivery,
)
from .services import complete_automated

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = httpx.Timeout(5.0, connect=3.0)
WEBHOOK_ATTEMPTS = 3


def plan_deliveries(crisis: Crisis) -> int:
    """Create the pending deliveries for this crisis's departments; existing ones are kept."""
    rows = []
    for dept in crisis.scenario.departments.prefetch_related("contacts"):
        rows += [
            NotificationDelivery(crisis=crisis, department=dept, channel=Channel.EMAIL, target=c.email)
            for c in dept.contacts.all()
            if c.email
        ]
        if dept.chat_webhook_url:
            target = urlsplit(dept.chat_webhook_url).hostname or "webhook"
            rows.append(
                NotificationDelivery(crisis=crisis, department=dept, channel=Channel.CHAT, target=target)
            )
    NotificationDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@dataclass(frozen=True)
class Notice:
    """What one department is told, before it is shaped for email or a chat tool."""

    subject: str
    drill: bool
    opening: str  # who activated what, when (and that it is a drill)
    summary: str
    department: str
    tasks: list[tuple[str, str]]  # title, "HH:MM" due or ""
    room_url: str
    crisis_id: int
    scenario: str
    title: str
    activated_at: str  # ISO 8601

    @property
    def checklist_heading(self) -> str:
        return gettext("{department}'s checklist:").format(department=self.department)

    def task_lines(self) -> list[str]:
        due = gettext("due")
        return [f"- {title}" + (f" ({due} {when})" if when else "") for title, when in self.tasks]


def _subject(crisis: Crisis) -> str:
    # Drills notify too, so departments rehearse; the word DRILL leads every subject and message.
    word = (
        pgettext("notification subject", "DRILL")
        if crisis.is_drill
        else pgettext("notification subject", "CRISIS")
    )
    return f"[{word}] {crisis.scenario.name}: {crisis.title}"


def notice(crisis: Crisis, dept: Department) -> Notice:
    """What a department is told, in its language (Department.language, else the site's)."""
    tasks = crisis.tasks.filter(department=dept)
    at = f"{timezone.localtime(crisis.activated_at):%H:%M}"
    scenario = crisis.scenario.name
    if crisis.activated_by:
        who = crisis.activated_by.get_username()
        opening = gettext("{scenario} was activated at {time} by {user}.").format(
            scenario=scenario, time=at, user=who
        )
    else:
        opening = gettext("{scenario} was activated at {time}.").format(scenario=scenario, time=at)
    if crisis.is_drill:
        opening = (
            gettext("This is a DRILL. Nothing has happened; please practise your part.") + "\n" + opening
        )
    return Notice(
        subject=_subject(crisis),
        drill=crisis.is_drill,
        opening=opening,
        summary=crisis.summary,
        department=dept.name,
        tasks=[(t.title, f"{timezone.localtime(t.due_at):%H:%M}" if t.due_at else "") for t in tasks],
        room_url=f"{settings.PUBLIC_BASE_URL}/playbooks/",
        crisis_id=crisis.pk,
        scenario=crisis.scenario.name,
        title=crisis.title,
        activated_at=crisis.activated_at.isoformat(),
    )


def _body(crisis: Crisis, dept: Department) -> str:
    return plain_text(notice(crisis, dept))


def plain_text(n: Notice) -> str:
    lines = [
        n.opening,
        "",
        n.summary,
        "",
        n.checklist_heading,
        *n.task_lines(),
        "",
        gettext("Crisis room: {url}").format(url=n.room_url),
    ]
    return "\n".join(lines)


# --- chat formats: pure functions of a Notice ------------------------------------------------
SLACK_HEADER_MAX = 150  # Slack refuses a header block longer than this
SLACK_SECTION_MAX = 3000  # and a section text longer than this


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn reads &, < and > as markup (links, @channel): user text goes in escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(n: Notice) -> dict[str, Any]:
    tasks = "\n".join(
        f"• {_slack_escape(title)}" + (f" ({_('due')} {due})" if due else "") for title, due in n.tasks
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(n.subject, SLACK_HEADER_MAX)}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": _clip(_slack_escape(f"{n.opening}\n\n{n.summary}".strip()), SLACK_SECTION_MAX),
            },
        },
    ]
    if tasks:
        heading = f"*{_slack_escape(n.checklist_heading)}*"
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _clip(f"{heading}\n{tasks}", SLACK_SECTION_MAX)},
            }
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": _("Open the crisis room")},
                    "url": n.room_url,
                    **({} if n.drill else {"style": "danger"}),
                }
            ],
        }
    )
    # `text` is what Slack shows in notifications and to clients that cannot draw blocks.
    return {"text": n.subject, "blocks": blocks}


def teams_payload(n: Notice) -> dict[str, Any]:
    """A Teams Workflows ("When a Teams webhook request is received") message: one Adaptive Card."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": n.subject,
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
            "color": "Warning" if n.drill else "Attention",
        },
        {"type": "TextBlock", "text": n.opening, "wrap": True},
    ]
    if n.summary:
        body.append({"type": "TextBlock", "text": n.summary, "wrap": True})
    if n.tasks:
        body.append({"type": "TextBlock", "text": n.checklist_heading, "weight": "Bolder", "wrap": True})
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": due or "—", "value": title} for title, due in n.tasks],
            }
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": _("Open the crisis room"), "url": n.room_url}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def generic_payload(n: Notice) -> dict[str, Any]:
    return {
        "text": f"{n.subject}\n{plain_text(n)}",
        "event": "drill.activated" if n.drill else "crisis.activated",
        "crisis": {
            "id": n.crisis_id,
            "scenario": n.scenario,
            "title": n.title,
            "summary": n.summary,
            "drill": n.drill,
            "activated_at": n.activated_at,
            "url": n.room_url,
        },
        "department": n.department,
        "tasks": [{"title": title, "due": due or None} for title, due in n.tasks],
    }


PAYLOADS = {
    ChatFormat.SLACK: slack_payload,
    ChatFormat.TEAMS: teams_payload,
    ChatFormat.GENERIC: generic_payload,
}


def chat_payload(chat_format: str, n: Notice) -> dict[str, Any]:
    return PAYLOADS.get(chat_format, generic_payload)(n)


def _huddle_lines(delivery: NotificationDelivery) -> str:
    call = delivery.crisis.scenario.huddle_call_url
    return "\n".join(
        [
            *([gettext("Kick-off huddle: %(url)s") % {"url": call}] if call else []),
            gettext("Acknowledge (tells the comms lead you are on it): %(url)s")
            % {"url": huddle.ack_url(delivery)},
        ]
    )


def department_language(dept: Department) -> str:
    try:
        return get_supported_language_variant(dept.language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _send(delivery: NotificationDelivery) -> None:
    with translation.override(department_language(delivery.department)):
        _send_in_language(delivery)


def _send_in_language(delivery: NotificationDelivery) -> None:
    crisis, dept = delivery.crisis, delivery.department
    told = notice(crisis, dept)
    # The huddle's call link and this delivery's acknowledge link, in every format.
    told = replace(told, summary=f"{told.summary}\n\n{_huddle_lines(delivery)}".strip())
    if delivery.channel == Channel.EMAIL:
        send_mail(told.subject, plain_text(told), None, [delivery.target], fail_silently=False)
        delivery.attempts += 1
        return
    if not dept.chat_webhook_url:
        raise OutboundError("the department no longer has a webhook URL")
    payload = chat_payload(dept.chat_format, told)

    def post() -> None:
        delivery.attempts += 1
        # The URL is the secret (Slack and Teams keep it in the path): it goes to its own host
        # only, a public one, and only its host is ever shown (core.http, core.netguard).
        with guarded_client(timeout=WEBHOOK_TIMEOUT) as client:
            request(client, "POST", dept.chat_webhook_url, json=payload, timeout=WEBHOOK_TIMEOUT)

    with_retries(post, attempts=WEBHOOK_ATTEMPTS, base_delay=0.5, max_delay=10.0)


def deliver(delivery_id: int) -> str:
    """Send one pending delivery and record how it went. Safe to run twice."""
    with transaction.atomic():
        delivery = (
            NotificationDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("crisis__scenario", "crisis__activated_by", "department")
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        try:
            _send(delivery)
        except (OutboundError, OSError) as exc:
            # Whatever raised, the webhook URL never reaches the page, the socket or the log.
            reason = netguard.redact(str(exc), [delivery.department.chat_webhook_url])
            delivery.state, delivery.error = DeliveryState.FAILED, reason[:300]
            logger.warning("notifying %s by %s failed: %s", delivery.department, delivery.channel, reason)
        else:
            delivery.state, delivery.error, delivery.sent_at = DeliveryState.SENT, "", timezone.now()
        delivery.save(update_fields=["state", "error", "attempts", "sent_at"])
        events.send_delivery(
            {
                "type": "department.delivery",
                "crisis_id": delivery.crisis_id,
                "delivery": {
                    "id": delivery.pk,
                    "department": delivery.department.name,
                    "channel": delivery.channel,
                    "target": delivery.target,
                    "state": delivery.state,
                    "error": delivery.error,
                    "attempts": delivery.attempts,
                },
            }
        )
    return delivery.state


def notify_departments(crisis_id: int) -> dict[str, int]:
    """Plan and send every delivery; when none is pending, the checklist item ticks itself."""

    crisis = Crisis.objects.select_related("scenario").get(pk=crisis_id)
    plan_deliveries(crisis)
    pending = NotificationDelivery.objects.filter(crisis=crisis, state=DeliveryState.PENDING)
    for delivery_id in pending.values_list("pk", flat=True):
        deliver(delivery_id)
    counts = {
        state: NotificationDelivery.objects.filter(crisis=crisis, state=state).count()
        for state in DeliveryState.values
    }
    if counts[DeliveryState.PENDING] == 0:
        with transaction.atomic():
            if not AuditEntry.objects.filter(crisis=crisis, kind=AuditKind.NOTIFIED).exists():
                audit.record(
                    AuditKind.NOTIFIED,
                    audit.says(
                        "departments.notified",
                        sent=counts[DeliveryState.SENT],
                        failed=counts[DeliveryState.FAILED],
                    ),
                    crisis=crisis,
                    actor=None,
                    **counts,
                )
        complete_automated(crisis_id=crisis_id, action=AutomatedAction.NOTIFY_DEPARTMENTS)
    return counts


def retry_failed(crisis_id: int) -> int:
    """Put failed deliveries back to pending; the caller queues notify_departments after commit."""
    return NotificationDelivery.objects.filter(crisis_id=crisis_id, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, error=""
    )
