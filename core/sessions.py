"""Open sockets follow the account: closed on logout, deactivation and any change of roles.

A websocket is authenticated once, when it opens; the account behind it can change while it
stays open for hours. Every socket joins its user's group (core.sockets.LiveConsumer), and
these receivers tell that group to close after the change commits: the socket of the session
that logged out, or every socket of a user deactivated, deleted, given a new password, or
moved in or out of a role group. A page whose socket closes reconnects and is checked afresh:
refused (4403) when the account may no longer read, let in with its new reach otherwise.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model, user_logged_out
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from core import events

# The fields of a user whose change must end what was opened before it.
WATCHED = ("is_active", "is_superuser", "password")


def session_tag(session_key: str | None) -> str | None:
    """What identifies a session over the channel layer: never the key itself (a credential)."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def close_sockets(user_id: int | None, *, session_key: str | None = None) -> None:
    if user_id is not None:
        events.send_session_close(user_id, session_tag(session_key))


def _logged_out(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    close_sockets(getattr(user, "pk", None), session_key=getattr(session, "session_key", None))


def _before_save(sender, instance, update_fields=None, **kwargs) -> None:
    watched = update_fields is None or bool(set(update_fields) & set(WATCHED))
    if instance.pk is None or not watched:
        return
    old = sender.objects.filter(pk=instance.pk).values(*WATCHED).first()
    instance._close_sockets = old is not None and any(old[f] != getattr(instance, f) for f in WATCHED)


def _after_save(sender, instance, created: bool = False, **kwargs) -> None:
    if getattr(instance, "_close_sockets", False):
        instance._close_sockets = False
        close_sockets(instance.pk)


def _deleted(sender, instance, **kwargs) -> None:
    close_sockets(instance.pk)


def _groups_changed(sender, instance, action: str, reverse: bool, pk_set: Any, **kwargs) -> None:
    if not reverse:  # user.groups.add/remove/clear: one user
        if action in ("post_add", "post_remove", "post_clear"):
            close_sockets(instance.pk)
        return
    # group.user_set.add/remove/clear: those users (before a clear, while they are still there)
    if action in ("post_add", "post_remove"):
        for user_id in pk_set or ():
            close_sockets(user_id)
    elif action == "pre_clear":
        for user_id in instance.user_set.values_list("pk", flat=True):
            close_sockets(user_id)


def _group_deleted(sender, instance, **kwargs) -> None:
    for user_id in instance.user_set.values_list("pk", flat=True):
        close_sockets(user_id)


def connect() -> None:
    """Called once from CoreConfig.ready()."""
    user_model = get_user_model()
    user_logged_out.connect(_logged_out, dispatch_uid="core.sessions.logged_out")
    pre_save.connect(_before_save, sender=user_model, dispatch_uid="core.sessions.before_save")
    post_save.connect(_after_save, sender=user_model, dispatch_uid="core.sessions.after_save")
    post_delete.connect(_deleted, sender=user_model, dispatch_uid="core.sessions.deleted")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="core.sessions.groups"
    )
    pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="core.sessions.group_deleted")
