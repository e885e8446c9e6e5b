"""The post-crisis review: the only writer of meetings, action items and its completion.

A review opens when a crisis is closed. Its two meetings (the social team first,
then the whole organisation) are written while the crisis is closed; completing
the review moves the crisis to `reviewed`. Action items live on after that: they
are ticked off as the plan changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.errors import Conflict

from . import audit
from .models import ActionItem, AuditKind, Crisis, MeetingKind, Phase, Review, ReviewMeeting, Scenario
from .services import PhaseError, advance_phase

MEETING_FIELDS = ("held_at", "attendees", "worked", "did_not_work", "differently", "next_steps")
AGENDA = (
    ("worked", "What worked?"),
    ("did_not_work", "What did not work?"),
    ("differently", "What would we do differently?"),
    ("next_steps", "What do we do now?"),
)
REVIEW_PHASES = (Phase.CLOSED, Phase.REVIEWED)


class ReviewError(Conflict):
    """The review cannot do that now, with the reason to show."""


@dataclass(frozen=True)
class MeetingNotes:
    held_at: datetime | None = None
    attendees: str = ""
    worked: str = ""
    did_not_work: str = ""
    differently: str = ""
    next_steps: str = ""


def is_open(crisis: Crisis) -> bool:
    return crisis.phase in REVIEW_PHASES


def _locked_crisis(crisis_id: int) -> Crisis:
    crisis = Crisis.objects.select_for_update().filter(pk=crisis_id).first()
    if crisis is None:
        raise ReviewError(gettext("There is no such crisis."))
    return crisis


def _review_of(crisis: Crisis, by) -> Review:
    review, _ = Review.objects.get_or_create(
        crisis=crisis, defaults={"started_at": timezone.now(), "started_by": by}
    )
    return review


def _require(crisis: Crisis, phases: tuple[Phase, ...], doing) -> None:
    if crisis.phase in phases:
        return
    if crisis.phase == Phase.REVIEWED:
        raise ReviewError(gettext("The review is complete; {doing} is closed.").format(doing=doing))
    raise ReviewError(
        gettext("The review opens when the crisis is closed (it is {phase}).").format(
            phase=str(crisis.get_phase_display()).lower()
        )
    )


def save_meeting(*, crisis_id: int, kind: MeetingKind, by, notes: MeetingNotes) -> ReviewMeeting:
    """Write one meeting's notes; the audit entry keeps the values before and after."""
    with transaction.atomic():
        crisis = _locked_crisis(crisis_id)
        _require(crisis, (Phase.CLOSED,), gettext_lazy("editing the meetings"))
        review = _review_of(crisis, by)
        _check_order(review, kind, notes.held_at)
        meeting, _ = ReviewMeeting.objects.get_or_create(review=review, kind=kind)
        before = {f: getattr(meeting, f) for f in MEETING_FIELDS}
        after = {f: getattr(notes, f) for f in MEETING_FIELDS}
        changed = [f for f in MEETING_FIELDS if before[f] != after[f]]
        if not changed:
            return meeting
        for name in changed:
            setattr(meeting, name, after[name])
        meeting.updated_at, meeting.updated_by = timezone.now(), by
        meeting.save()
        audit.record(
            AuditKind.REVIEW_MEETING,
            audit.says("review.meeting_saved", meeting=meeting.kind),
            crisis=crisis,
            actor=by,
            meeting=str(kind.label),
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    return meeting


def _check_order(review: Review, kind: MeetingKind, held_at: datetime | None) -> None:
    """The social team meets first, then the whole organisation."""
    if held_at is None:
        return
    other = MeetingKind.SOCIAL_TEAM if kind == MeetingKind.ORGANISATION else MeetingKind.ORGANISATION
    other_at = review.meetings.filter(kind=other).values_list("held_at", flat=True).first()
    if other_at is None:
        return
    if (kind == MeetingKind.ORGANISATION and held_at < other_at) or (
        kind == MeetingKind.SOCIAL_TEAM and held_at > other_at
    ):
        raise ReviewError(
            gettext("The social team meets first, then the whole organisation: check the dates.")
        )


def add_action_item(
    *,
    crisis_id: int,
    by,
    title: str,
    owner=None,
    owner_name: str = "",
    due_on: date | None = None,
    scenario: Scenario | None = None,
) -> ActionItem:
    title, owner_name = title.strip(), owner_name.strip()
    if not title:
        raise ReviewError(gettext("Say what is to be done."))
    if owner is None and not owner_name:
        raise ReviewError(gettext("Every action item needs an owner: pick a user or type a name."))
    with transaction.atomic():
        crisis = _locked_crisis(crisis_id)
        _require(crisis, REVIEW_PHASES, gettext_lazy("adding action items"))
        item = ActionItem.objects.create(
            review=_review_of(crisis, by),
            title=title,
            owner=owner,
            owner_name="" if owner is not None else owner_name,
            due_on=due_on,
            scenario=scenario,
            created_at=timezone.now(),
            created_by=by,
        )
        audit.record(
            AuditKind.ACTION_ITEM_ADDED,
            audit.says("review.action_added", title=title),
            crisis=crisis,
            actor=by,
            action_item=item.pk,
            before={},
            after={
                "title": title,
                "owner": item.owner_label,
                "due_on": due_on,
                "scenario": scenario.name if scenario else None,
            },
        )
    return item


def set_action_item_done(*, crisis_id: int, item_id: int, by, done: bool) -> ActionItem:
    with transaction.atomic():
        crisis = _locked_crisis(crisis_id)
        _require(crisis, REVIEW_PHASES, gettext_lazy("the action list"))
        item = ActionItem.objects.select_for_update().filter(pk=item_id, review__crisis=crisis).first()
        if item is None:
            raise ReviewError(gettext("That action item is not part of this review."))
        if done == (item.done_at is not None):
            return item
        was = item.done_at
        item.done_at, item.done_by = (timezone.now(), by) if done else (None, None)
        item.save(update_fields=["done_at", "done_by"])
        audit.record(
            AuditKind.ACTION_ITEM_DONE if done else AuditKind.ACTION_ITEM_REOPENED,
            audit.says("review.action_done" if done else "review.action_reopened", title=item.title),
            crisis=crisis,
            actor=by,
            action_item=item.pk,
            before={"done": was is not None, "done_at": was},
            after={"done": done, "done_at": item.done_at},
        )
    return item


def complete_review(*, crisis_id: int, by) -> Crisis:
    """Close the review: the crisis moves from `closed` to `reviewed`. Both meetings must be held."""
    with transaction.atomic():
        # No crisis row lock here: advance_phase takes the state row first, then the crisis.
        crisis = Crisis.objects.filter(pk=crisis_id).first()
        if crisis is None:
            raise ReviewError(gettext("There is no such crisis."))
        if crisis.phase == Phase.REVIEWED:
            raise ReviewError(gettext("This review is already complete."))
        _require(crisis, (Phase.CLOSED,), gettext_lazy("completing it"))
        review = _review_of(crisis, by)
        held = set(review.meetings.filter(held_at__isnull=False).values_list("kind", flat=True))
        for kind in MeetingKind:
            if kind.value not in held:
                raise ReviewError(
                    f"Record when the {kind.label.lower()} meeting was held before completing the review."
                )
        try:
            crisis = advance_phase(crisis_id=crisis.pk, to=Phase.REVIEWED, by=by)
        except PhaseError:
            raise ReviewError(gettext("This review is already complete.")) from None
        now = timezone.now()
        review.completed_at, review.completed_by = now, by
        review.save(update_fields=["completed_at", "completed_by"])
        audit.record(
            AuditKind.REVIEW_COMPLETED,
            audit.says("review.completed"),
            crisis=crisis,
            actor=by,
            before={"phase": Phase.CLOSED.value},
            after={"phase": crisis.phase, "reviewed_at": now},
        )
    return crisis
