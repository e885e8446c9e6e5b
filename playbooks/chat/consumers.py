"""/ws/rooms/<crisis_id>/<room>/: the crisis rooms (playbooks/rooms.py) over Channels."""

from channels.db import database_sync_to_async

from core.events import room_group
from core.sockets import LiveConsumer
from playbooks.chat import services as rooms
from playbooks.models import Crisis

FORBIDDEN = 4403

MAX_FRAME = 16_000  # characters; a room message is at most rooms.MAX_LENGTH


def _join(user_id: int | None, crisis_id: int, room: str) -> dict | None:
    if rooms.member(user_id, room) is None or not Crisis.objects.filter(pk=crisis_id).exists():
        return None
    page, has_more = rooms.history(crisis_id, room)
    return {"type": "room.history", "messages": [rooms.payload(m) for m in page], "has_more": has_more}


def _post(user_id: int | None, crisis_id: int, room: str, body: str) -> str | None:
    """Post as the user; the error to show, or None. The message itself arrives via the group."""
    user = rooms.member(user_id, room)
    if user is None:
        return "forbidden"
    try:
        rooms.post_message(crisis_id=crisis_id, room=room, by=user, body=body)
    except rooms.RoomError as exc:
        return str(exc)
    return None


def _older(user_id: int | None, crisis_id: int, room: str, before: int) -> dict | None:
    if rooms.member(user_id, room) is None:
        return None
    page, has_more = rooms.history(crisis_id, room, before=before)
    return {"type": "room.page", "messages": [rooms.payload(m) for m in page], "has_more": has_more}


class RoomConsumer(LiveConsumer):
    """/ws/rooms/<crisis_id>/<room>/: the history on open, then every new message.

    Roles are checked on connect and again, against fresh rows, on every message
    received and every message about to be forwarded: a user who lost the role is
    told so and disconnected, and reads nothing posted after the change.
    """

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.crisis_id, self.room = int(kwargs["crisis_id"]), kwargs["room"]
        user = self.scope.get("user")
        self.user_id = user.pk if user is not None and user.is_authenticated else None
        history = await database_sync_to_async(_join)(self.user_id, self.crisis_id, self.room)
        if history is None:
            await self.close(code=FORBIDDEN)
            return
        self.group = room_group(self.crisis_id, self.room)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(history)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._error("That message is too long to send.")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self._error("The room did not understand that message.")
            return
        if isinstance(content, dict):
            await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if self.closing:
            return
        kind = content.get("type")
        if kind == "post":
            error = await database_sync_to_async(_post)(
                self.user_id, self.crisis_id, self.room, str(content.get("body") or "")
            )
            if error == "forbidden":
                await self._forbidden()
            elif error:
                await self._error(error)
        elif kind == "older":
            before = content.get("before")
            if not isinstance(before, int):
                await self._error("Which messages? 'before' must be a message id.")
                return
            page = await database_sync_to_async(_older)(self.user_id, self.crisis_id, self.room, before)
            if page is None:
                await self._forbidden()
            else:
                await self.send_json(page)

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "room.error", "message": message})

    async def _forbidden(self) -> None:
        if self.closing:
            return
        await self._error("Your role no longer allows this room.")
        await self.stop_for(FORBIDDEN)

    async def account_changed(self) -> None:
        # The room checks every message anyway: told at once, it looks now rather than at the
        # next message, and stays open for a member who still belongs here.
        if await database_sync_to_async(rooms.member)(self.user_id, self.room) is None:
            await self._forbidden()

    async def room_message(self, event):
        if self.closing:
            return
        # One small query per message per reader: rooms are a few dozen people, and a
        # removed role must stop the flow at once, not when the user next speaks.
        if await database_sync_to_async(rooms.member)(self.user_id, self.room) is None:
            await self._forbidden()
            return
        await self.send_json(event)
