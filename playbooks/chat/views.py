"""The crisis rooms as pages: server-rendered history and a plain form, so they work without JS."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from core.roles import STAFF, role_required
from playbooks.chat import services as rooms
from playbooks.chat.forms import RoomMessageForm
from playbooks.models import Crisis, Room


@role_required(*STAFF)
def rooms_index(request: HttpRequest, crisis_id: int) -> HttpResponse:
    allowed = rooms.rooms_for(request.user)
    if not allowed:
        raise PermissionDenied(gettext("Your role does not allow the crisis rooms."))
    return redirect("crisis_room_chat", crisis_id=crisis_id, room=allowed[0][0])


@role_required(*STAFF)
def room_page(request: HttpRequest, crisis_id: int, room: str) -> HttpResponse:
    if room not in Room.values:
        raise Http404("No such room")
    if not rooms.can_enter(request.user, room):
        raise PermissionDenied(gettext("Your role does not allow this room."))
    crisis = get_object_or_404(Crisis.objects.select_related("scenario"), pk=crisis_id)
    form = RoomMessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rooms.post_message(
                    crisis_id=crisis.pk, room=room, by=request.user, body=form.cleaned_data["body"]
                )
            except rooms.RoomError as exc:
                form.add_error("body", str(exc))
            else:
                return redirect(request.path + "#compose")
        status = 400
    before = request.GET.get("before")
    history, has_more = rooms.history(
        crisis.pk, room, before=int(before) if (before or "").isdigit() else None
    )
    context = {
        "crisis": crisis,
        "room": room,
        "room_label": str(Room(room).label),
        "rooms": rooms.rooms_for(request.user),
        "history": history,
        "has_more": has_more,
        "oldest_id": history[0].pk if history else None,
        "paged": bool(before),
        "can_post": rooms.is_open(crisis),
        "form": form,
        "max_length": rooms.MAX_LENGTH,
    }
    return render(request, "playbooks/rooms/room.html", context, status=status)
