"""The roster called in at activation (rules 3-5): each roster member with an email address gets
a message with a signed link; pressing the button on its page says "on my way", and the huddle
card shows who has answered. In a drill the message says DRILL: calling in is rehearsed too."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import BadLink, record_id, signed_url

from . import audit
from .models import AuditKind, Crisis, DeliveryState, RosterCall, RosterEntry

logger = logging.getLogger(__name__)

SALT = "playbooks.callin.ack"
MAX_AGE = timedelta(days=14)


def ack_url(call: RosterCall) -> str:
    return signed_url("/playbooks/callin/", salt=SALT, key="c", record_id=call.pk)


def call_for(token: str) -> RosterCall:
    call_id = record_id(token, salt=SALT, key="c", max_age=MAX_AGE)
    call = RosterCall.objects.select_related("crisis__scenario", "entry__user").filter(pk=call_id).first()
    if call is None:
        raise BadLink(_("This call no longer exists."))
    return call


def _message(call: RosterCall) -> tuple[str, str]:
    crisis = call.crisis
    prefix = _("DRILL: ") if crisis.is_drill else ""
    subject = prefix + _("You are called in: %(title)s") % {"title": crisis.title}
    body = _(
        "%(prefix)sThe social team needs you on the queue for %(title)s.\n\n"
        "Tell the comms lead you are on your way: %(ack)s\n"
        "Then open the queue: %(queue)s\n"
    ) % {
        "prefix": prefix,
        "title": crisis.title,
        "ack": ack_url(call),
        "queue": f"{settings.PUBLIC_BASE_URL}/triage/",
    }
    return subject, body


def call_in(crisis_id: int) -> dict[str, int]:
    """Message every roster member with an email address, once per crisis; safe to run twice
    (a message already sent is not sent again; a failed one is tried again)."""
    crisis = Crisis.objects.filter(pk=crisis_id).first()
    if crisis is None:
        return {"sent": 0, "failed": 0}
    entries = RosterEntry.objects.select_related("user").exclude(user__email="").filter(user__is_active=True)
    RosterCall.objects.bulk_create(
        [RosterCall(crisis=crisis, entry=e, email=e.user.email) for e in entries], ignore_conflicts=True
    )
    sent = failed = 0
    for call in (
        RosterCall.objects.filter(crisis=crisis)
        .exclude(state=DeliveryState.SENT)
        .select_related("entry__user", "crisis")
    ):
        subject, body = _message(call)
        try:
            send_mail(subject, body, None, [call.email], fail_silently=False)
        except OSError as exc:
            RosterCall.objects.filter(pk=call.pk).update(state=DeliveryState.FAILED, error=str(exc)[:300])
            logger.warning("roster call to %s failed: %s", call.email, exc)
            failed += 1
            continue
        RosterCall.objects.filter(pk=call.pk).update(
            state=DeliveryState.SENT, sent_at=timezone.now(), error=""
        )
        sent += 1
    if sent or failed:
        audit.record(
            AuditKind.ROSTER_CALLED,
            f"Roster called in: {sent} messages sent, {failed} failed",
            crisis=crisis,
            actor=None,
            sent=sent,
            failed=failed,
        )
    return {"sent": sent, "failed": failed}


def acknowledge(token: str) -> RosterCall:
    call = call_for(token)
    with transaction.atomic():
        if RosterCall.objects.filter(pk=call.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        ):
            audit.record(
                AuditKind.ACKNOWLEDGED,
                f"{call.entry.user.get_username()} ({call.entry.team}) answered the roster call",
                crisis=call.crisis,
                actor=call.entry.user,
                roster_call=call.pk,
            )
    call.refresh_from_db(fields=["acknowledged_at"])
    return call


@dataclass(frozen=True)
class RosterAnswers:
    calls: list[RosterCall]

    @property
    def acknowledged(self) -> int:
        return sum(1 for c in self.calls if c.acknowledged_at)


def answers(crisis: Crisis) -> RosterAnswers:
    return RosterAnswers(list(RosterCall.objects.filter(crisis=crisis).select_related("entry__user")))
