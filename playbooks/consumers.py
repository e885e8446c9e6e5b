from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from crisiscenter.events import STATE_GROUP
from crisiscenter.roles import STAFF, has_role

from .selectors import active_crisis, crisis_state

FORBIDDEN = 4403


def _is_staff(user) -> bool:
    return has_role(user, STAFF)


class StateConsumer(AsyncJsonWebsocketConsumer):
    """/ws/state/: the state bar on every staff page follows the crisis switch."""

    async def connect(self):
        if not await database_sync_to_async(_is_staff)(self.scope.get("user")):
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(STATE_GROUP, self.channel_name)
        await self.accept()
        state = await database_sync_to_async(lambda: crisis_state(active_crisis()))()
        await self.send_json({"type": "crisis.state", "state": state})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(STATE_GROUP, self.channel_name)

    async def crisis_state(self, event):
        await self.send_json(event)
