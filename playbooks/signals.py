"""Roster changes that change what a user may reach close that user's open sockets.

An outside team holds a user to first-line work (playbooks.selectors.is_first_line_only):
adding, changing or removing a roster entry can narrow or widen what their open queue may
show, so their sockets reconnect and are checked again (core.sessions).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from core.sessions import close_sockets

from .models import RosterEntry


def _roster_changed(sender, instance: RosterEntry, **kwargs) -> None:
    close_sockets(instance.user_id)


def connect() -> None:
    post_save.connect(_roster_changed, sender=RosterEntry, dispatch_uid="playbooks.roster_saved")
    post_delete.connect(_roster_changed, sender=RosterEntry, dispatch_uid="playbooks.roster_deleted")
