"""Shared steps for the review, room and audit tests."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from command import flows
from playbooks.models import Crisis, MeetingKind
from playbooks.review import MeetingNotes, save_meeting


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def closed_drill(scenario, lead) -> Crisis:
    crisis = flows.activate(scenario=scenario, by=lead, drill=True).crisis
    flows.deactivate(by=lead)
    crisis.refresh_from_db()
    return crisis


def hold_both_meetings(crisis: Crisis, lead) -> None:
    first = timezone.now() - timedelta(days=2)
    save_meeting(
        crisis_id=crisis.pk,
        kind=MeetingKind.SOCIAL_TEAM,
        by=lead,
        notes=MeetingNotes(held_at=first, attendees="Lena, Ade", worked="The hub page went up in 4 minutes."),
    )
    save_meeting(
        crisis_id=crisis.pk,
        kind=MeetingKind.ORGANISATION,
        by=lead,
        notes=MeetingNotes(
            held_at=first + timedelta(days=1), attendees="Everyone", next_steps="Update the plan."
        ),
    )
