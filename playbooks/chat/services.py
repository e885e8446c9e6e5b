"""Internal crisis rooms: one chat for the whole response team, one for social care.

The one writer of room messages (`post_message`) and the selectors the page,
the websocket consumer and the API read through. Bodies are stored as typed and
escaped wherever they are shown (Django templates, `textContent` in room.js).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from core import events
from core.roles import STAFF, Role, has_role
from playbooks.models import Crisis, Phase, Room, RoomMessage

MAX_LENGTH = 2000
PAGE_SIZE = 50
# At most RATE_COUNT messages per person per RATE_WINDOW, across rooms: enough for a
# fast typist, too few to flood the room.
RATE_COUNT = 8
RATE_WINDOW = timedelta(seconds=10)

ROOM_ROLES: dict[str, tuple[Role, ...]] = {
    Room.TEAM: STAFF,
    # Social care is for the people on the queue and their leads, even when other
    # roles join the response team.
    Room.CARE: (Role.AGENT, Role.VOLUNTEER, Role.LEAD, Role.ADMIN),
}
OPEN_PHASES = (Phase.ACTIVE, Phase.AFTERMATH)


class RoomError(Exception):
    """A message that cannot be posted, with the reason to show the writer."""


def can_enter(user, room: str) -> bool:
    return room in ROOM_ROLES and has_role(user, ROOM_ROLES[room])


def member(user_id: int | None, room: str):
    """The user, fresh from the database, if they may still be in the room; else None.

    A socket outlives the roles and the account it was opened with, so the consumer
    asks again on every message instead of trusting the user in its scope.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    return user if user is not None and can_enter(user, room) else None


def rooms_for(user) -> list[tuple[str, str]]:
    return [(value, name) for value, name in Room.choices if can_enter(user, value)]


def is_open(crisis: Crisis) -> bool:
    return crisis.phase in OPEN_PHASES


def payload(message: RoomMessage) -> events.RoomMessagePayload:
    return {
        "id": message.pk,
        "crisis_id": message.crisis_id,
        "room": message.room,
        "author": message.author.get_username() if message.author_id else "(removed user)",
        "body": message.body,
        "posted_at": message.posted_at.isoformat(),
    }


def history(crisis_id: int, room: str, before: int | None = None) -> tuple[list[RoomMessage], bool]:
    """One page of messages, oldest first, ending just before message `before`; and whether older exist."""
    messages = RoomMessage.objects.filter(crisis_id=crisis_id, room=room).select_related("author")
    if before is not None:
        messages = messages.filter(pk__lt=before)
    page = list(messages.order_by("-id")[: PAGE_SIZE + 1])
    return page[:PAGE_SIZE][::-1], len(page) > PAGE_SIZE


def clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise RoomError(gettext("Write a message first."))
    if len(body) > MAX_LENGTH:
        raise RoomError(
            gettext("Messages are limited to {limit} characters; this one has {length}.").format(
                limit=number_format(MAX_LENGTH, force_grouping=True),
                length=number_format(len(body), force_grouping=True),
            )
        )
    return body


def post_message(*, crisis_id: int, room: str, by, body: str) -> RoomMessage:
    """Store a message and send it to everyone in the room after commit."""
    if not can_enter(by, room):
        raise RoomError(gettext("Your role does not allow this room."))
    body = clean_body(body)
    with transaction.atomic():
        crisis = Crisis.objects.filter(pk=crisis_id).first()
        if crisis is None:
            raise RoomError(gettext("There is no such crisis."))
        if not is_open(crisis):
            raise RoomError(gettext("This crisis has ended: its rooms are read-only."))
        now = timezone.now()
        recent = RoomMessage.objects.filter(author=by, posted_at__gt=now - RATE_WINDOW).count()
        if recent >= RATE_COUNT:
            raise RoomError(
                f"Slow down: at most {RATE_COUNT} messages in {RATE_WINDOW.seconds} seconds. "
                "Your message was not sent; try again in a moment."
            )
        message = RoomMessage.objects.create(crisis=crisis, room=room, author=by, body=body, posted_at=now)
        events.send_room_message(payload(message))
    return message
