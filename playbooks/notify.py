"""Telling every involved department: one email per contact, one chat webhook post per
department, each delivery recorded with its result (the Departments tab)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import events
from core.http import OutboundError, request, with_retries

from . import huddle
from .models import (
    AuditEntry,
    AuditKind,
    AutomatedAction,
    Channel,
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


def _subject(crisis: Crisis) -> str:
    # Drills notify too, so departments rehearse; the word DRILL leads every subject and message.
    return f"[{'DRILL' if crisis.is_drill else 'CRISIS'}] {crisis.scenario.name}: {crisis.title}"


def _body(crisis: Crisis, dept: Department) -> str:
    tasks = crisis.tasks.filter(department=dept)
    lines = [
        ("This is a DRILL. Nothing has happened; please practise your part.\n" if crisis.is_drill else "")
        + f"{crisis.scenario.name} was activated at {timezone.localtime(crisis.activated_at):%H:%M}"
        + (f" by {crisis.activated_by.get_username()}." if crisis.activated_by else "."),
        "",
        crisis.summary,
        "",
        f"{dept.name}'s checklist:",
        *(
            f"- {t.title}" + (f" (due {timezone.localtime(t.due_at):%H:%M})" if t.due_at else "")
            for t in tasks
        ),
        "",
        f"Crisis room: {settings.PUBLIC_BASE_URL}/playbooks/",
    ]
    return "\n".join(lines)


def _huddle_lines(delivery: NotificationDelivery) -> str:
    call = delivery.crisis.scenario.huddle_call_url
    return "\n".join(
        [
            *([gettext("Kick-off huddle: %(url)s") % {"url": call}] if call else []),
            gettext("Acknowledge (tells the comms lead you are on it): %(url)s")
            % {"url": huddle.ack_url(delivery)},
        ]
    )


def _send(delivery: NotificationDelivery) -> None:
    crisis, dept = delivery.crisis, delivery.department
    body = f"{_body(crisis, dept)}\n{_huddle_lines(delivery)}"
    if delivery.channel == Channel.EMAIL:
        send_mail(_subject(crisis), body, None, [delivery.target], fail_silently=False)
        delivery.attempts += 1
        return
    if not dept.chat_webhook_url:
        raise OutboundError("the department no longer has a webhook URL")
    text = f"{_subject(crisis)}\n{body}"

    def post() -> None:
        delivery.attempts += 1
        with httpx.Client(timeout=WEBHOOK_TIMEOUT) as client:
            request(client, "POST", dept.chat_webhook_url, json={"text": text})

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
            delivery.state, delivery.error = DeliveryState.FAILED, str(exc)[:300]
            logger.warning("notifying %s by %s failed: %s", delivery.department, delivery.channel, exc)
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
                AuditEntry.objects.create(
                    at=timezone.now(),
                    crisis=crisis,
                    kind=AuditKind.NOTIFIED,
                    description=(
                        f"Departments notified: {counts[DeliveryState.SENT]} sent, "
                        f"{counts[DeliveryState.FAILED]} failed"
                    ),
                    details=counts,
                )
        complete_automated(crisis_id=crisis_id, action=AutomatedAction.NOTIFY_DEPARTMENTS)
    return counts


def retry_failed(crisis_id: int) -> int:
    """Put failed deliveries back to pending; the caller queues notify_departments after commit."""
    return NotificationDelivery.objects.filter(crisis_id=crisis_id, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, error=""
    )
