from channels.db import database_sync_to_async

from core.events import STATE_GROUP, crisis_group
from core.roles import LEADS, STAFF, has_role, has_role_now
from core.sockets import LiveConsumer, localised, reader_language

from .models import ChecklistTask, Crisis
from .selectors import active_crisis, crisis_state, task_payload

FORBIDDEN = 4403


def _is_staff(user) -> bool:
    return has_role(user, STAFF)


class StateConsumer(LiveConsumer):
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
        # A fresh read per switch (rare): a removed or deactivated user is closed, not told.
        if not await database_sync_to_async(_still_staff)(self.scope.get("user")):
            await self.stop_for(FORBIDDEN)
            return
        await self.send_json(event)

    async def triage_alert(self, event):
        # SLA breaches, spikes and missed hub updates are the comms lead's to act on: a fresh
        # role read per alert (they are rare), so a lead demoted mid-shift stops getting them.
        if await database_sync_to_async(has_role_now)(self.scope.get("user"), LEADS):
            lang = await database_sync_to_async(reader_language)(self.scope)
            await self.send_json(localised(event, lang))


def _snapshot(crisis_id: int) -> dict | None:
    if not Crisis.objects.filter(pk=crisis_id).exists():
        return None
    tasks = list(ChecklistTask.objects.filter(crisis_id=crisis_id).select_related("done_by"))
    return {
        "type": "checklist.tasks",
        "crisis_id": crisis_id,
        "tasks": [task_payload(t) for t in tasks],
        "done": sum(1 for t in tasks if t.done_at),
        "total": len(tasks),
    }


def _still_staff(user) -> bool:
    # A fresh read: a user deactivated or moved out of a staff role stops receiving at once.
    return has_role_now(user, STAFF)


class CrisisConsumer(LiveConsumer):
    """/ws/crisis/<id>/: the live checklist and department deliveries of one crisis, staff only."""

    async def connect(self):
        self.crisis_id = int(self.scope["url_route"]["kwargs"]["crisis_id"])
        if not await database_sync_to_async(_is_staff)(self.scope.get("user")):
            await self.close(code=FORBIDDEN)
            return
        snapshot = await database_sync_to_async(_snapshot)(self.crisis_id)
        if snapshot is None:
            await self.close(code=4404)
            return
        self.group = crisis_group(self.crisis_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(snapshot)  # a reconnecting page catches up with ticks it missed

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _forward(self, event):
        if not await database_sync_to_async(_still_staff)(self.scope.get("user")):
            await self.stop_for(FORBIDDEN)
            return
        await self.send_json(event)

    async def checklist_tasks(self, event):
        await self._forward(event)

    async def department_delivery(self, event):
        await self._forward(event)
