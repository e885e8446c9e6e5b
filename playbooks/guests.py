"""Third parties at a drill (rule 1): the airport, the emergency services. Each gets a signed,
time-limited link to that one drill's crisis room, read-only, and its hub page preview. The
link is the whole of their access: no account, no session, nothing else it opens.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.links import BadLink, record_id, signed_url

from . import audit
from .models import AuditKind, Crisis, DrillGuest, Phase

SALT = "playbooks.guests.link"
MAX_HOURS = 14 * 24


class NotADrill(DomainError):
    code = "not_a_drill"
    status = 409


def link_for(guest: DrillGuest) -> str:
    token = signing.dumps({"g": guest.pk}, salt=SALT, compress=True)
    return f"{settings.PUBLIC_BASE_URL}/playbooks/guest/{token}/"


def invite(*, crisis: Crisis, name: str, organisation: str, email: str = "", hours: int, by) -> DrillGuest:
    """A link for one outside party to one drill, valid for `hours` (1 to 14 days)."""
    if not crisis.is_drill:
        raise NotADrill(
            _("Outside parties are invited to drills only; in a real crisis brief them directly.")
        )
    if crisis.phase == Phase.REVIEWED:
        raise NotADrill(_("This drill is over and reviewed."))
    hours = max(1, min(int(hours), MAX_HOURS))
    now = timezone.now()
    with transaction.atomic():
        guest = DrillGuest.objects.create(
            crisis=crisis,
            name=name.strip(),
            organisation=organisation.strip(),
            email=email.strip(),
            invited_by=by,
            invited_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        audit.record(
            AuditKind.GUEST_INVITED,
            f"{guest.name} ({guest.organisation}) invited to the drill until {guest.expires_at:%d %b %H:%M}",
            crisis=crisis,
            actor=by,
            guest=guest.pk,
        )
    return guest


def revoke(*, guest_id: int, crisis: Crisis, by) -> DrillGuest | None:
    with transaction.atomic():
        guest = DrillGuest.objects.select_for_update().filter(pk=guest_id, crisis=crisis).first()
        if guest is None or guest.revoked_at is not None:
            return guest
        guest.revoked_at = timezone.now()
        guest.save(update_fields=["revoked_at"])
        audit.record(
            AuditKind.GUEST_INVITED,
            f"Link of {guest.name} ({guest.organisation}) withdrawn",
            crisis=crisis,
            actor=by,
            guest=guest.pk,
            revoked=True,
        )
    return guest


def guest_for(token: str) -> DrillGuest:
    """The guest a link belongs to, while it is valid; records when it was last used."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise BadLink(_("This link is not valid.")) from exc
    guest = (
        DrillGuest.objects.select_related("crisis__scenario")
        .filter(pk=data.get("g") if isinstance(data, dict) else None, crisis__is_drill=True)
        .first()
    )
    now = timezone.now()
    if guest is None or guest.revoked_at is not None:
        raise BadLink(_("This link has been withdrawn."))
    if guest.expires_at <= now:
        raise BadLink(_("This link has expired."))
    DrillGuest.objects.filter(pk=guest.pk).update(last_seen_at=now)
    return guest


# --- a read-only copy of a plan for a third party (rule 6) -------------------------------
PLAN_SALT = "playbooks.guests.plan"
PLAN_MAX_AGE = timedelta(days=14)


def plan_link(scenario_id: int) -> str:
    """A link to the printable plan of one scenario, read-only, that works for 14 days."""
    return signed_url("/playbooks/plan/", salt=PLAN_SALT, key="s", record_id=scenario_id)


def plan_scenario_id(token: str) -> int:
    return record_id(token, salt=PLAN_SALT, key="s", max_age=PLAN_MAX_AGE)
