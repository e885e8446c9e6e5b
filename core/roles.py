"""Who may do what. Roles are Django groups; a superuser holds every role."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    LEAD = "comms_lead"
    AGENT = "agent"
    VOLUNTEER = "volunteer"
    ADMIN = "admin"
    INTEGRATION = "integration"


STAFF = (Role.LEAD, Role.AGENT, Role.VOLUNTEER, Role.ADMIN)
QUEUE_WORKERS = STAFF
# Mentions are pushed by integrations (and admins setting one up), never by staff at the queue:
# a mention an agent could write is one nobody on the platform wrote.
INGESTERS = (Role.INTEGRATION, Role.ADMIN)
LEADS = (Role.LEAD, Role.ADMIN)


def roles_of(user: Any) -> frozenset[Role]:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    cached = getattr(user, "_crisis_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._crisis_roles = cached
    return cached


def remember_roles(user: Any, roles: frozenset[Role]) -> None:
    """What roles_of() would read, already read (core.auth)."""
    user._crisis_roles = roles


def has_role(user: Any, roles: tuple[Role, ...]) -> bool:
    return bool(roles_of(user) & set(roles))


def has_role_now(user: Any, roles: tuple[Role, ...]) -> bool:
    """has_role against a fresh row: a socket outlives the roles and account it was opened with."""

    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    fresh = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    return fresh is not None and has_role(fresh, roles)


def role_required(*roles: Role) -> Callable:
    """View decorator: anonymous users go to login, users without the role get a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise PermissionDenied(gettext("Your role does not allow this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def grant(user: Any, *roles: Role) -> None:
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    if hasattr(user, "_crisis_roles"):
        del user._crisis_roles


class _RolePermission(BasePermission):
    roles: tuple[Role, ...] = ()
    message = gettext_lazy("Your role does not allow this action.")

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, self.roles)


class IsStaffMember(_RolePermission):
    roles = STAFF


class IsCommsLead(_RolePermission):
    roles = LEADS
    message = gettext_lazy("Only a comms lead can do this.")


class CanIngest(_RolePermission):
    roles = INGESTERS
    message = gettext_lazy("This token may not push mentions.")
