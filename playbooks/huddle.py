"""The kick-off huddle (rule 2): at activation the crisis room shows a card with the
scenario's call link, its agenda and who has acknowledged the notification. Each message
the departments get carries a signed link; opening it and pressing the button acknowledges
(a GET alone does not: mail scanners open links).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import BadLink, record_id, signed_url

from . import audit
from .models import AuditKind, Crisis, NotificationDelivery

SALT = "playbooks.huddle.ack"
# A link older than this no longer acknowledges: the crisis it was about is long over.
MAX_AGE = timedelta(days=14)


def ack_url(delivery: NotificationDelivery) -> str:
    return signed_url("/playbooks/ack/", salt=SALT, key="d", record_id=delivery.pk)


def delivery_for(token: str) -> NotificationDelivery:
    delivery_id = record_id(token, salt=SALT, key="d", max_age=MAX_AGE)
    delivery = (
        NotificationDelivery.objects.select_related("crisis__scenario", "department")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise BadLink(_("This message no longer exists."))
    return delivery


def acknowledge(token: str) -> NotificationDelivery:
    """Record that the recipient read the message; the first time counts, repeats change nothing."""
    delivery = delivery_for(token)
    with transaction.atomic():
        if NotificationDelivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        ):
            audit.record(
                AuditKind.ACKNOWLEDGED,
                audit.says(
                    "department.acknowledged", department=delivery.department.name, target=delivery.target
                ),
                crisis=delivery.crisis,
                actor=None,
                department=delivery.department.name,
                channel=delivery.channel,
            )
    delivery.refresh_from_db(fields=["acknowledged_at"])
    return delivery


@dataclass(frozen=True)
class DepartmentAck:
    name: str
    acknowledged_at: datetime | None
    by: str  # the address or webhook host that acknowledged first
    messages: int


@dataclass(frozen=True)
class Card:
    call_url: str
    agenda: list[str]
    departments: list[DepartmentAck]

    @property
    def acknowledged(self) -> int:
        return sum(1 for d in self.departments if d.acknowledged_at)


def card(crisis: Crisis) -> Card:
    """What the huddle card shows: a department counts as acknowledged once any of its
    messages was acknowledged."""
    deliveries: dict[int, list[NotificationDelivery]] = {}
    for d in NotificationDelivery.objects.filter(crisis=crisis).order_by("acknowledged_at", "pk"):
        deliveries.setdefault(d.department_id, []).append(d)
    rows = []
    for dept in crisis.scenario.departments.all():
        mine = deliveries.get(dept.pk, [])
        first = next((d for d in mine if d.acknowledged_at), None)
        if first is None:
            rows.append(DepartmentAck(dept.name, None, "", len(mine)))
        else:
            rows.append(DepartmentAck(dept.name, first.acknowledged_at, first.target, len(mine)))
    scenario = crisis.scenario
    return Card(
        call_url=scenario.huddle_call_url,
        agenda=[line.strip() for line in scenario.huddle_agenda.splitlines() if line.strip()],
        departments=rows,
    )
