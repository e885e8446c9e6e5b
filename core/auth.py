"""Who is calling, with their roles, in one query.

Django reads the user, then every role check reads the groups again: for a claim that was
most of its queries and CPU (docs/benchmarks.md, claims). Here one query answers both, for
an API token and for a browser session alike, and roles_of() finds the answer cached on the
user for the request.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .dbrows import columns, from_row
from .roles import Role, remember_roles


@cache
def _user_sql(by: str) -> str:
    """SELECT the user's columns and group names; `by` is "token" or "id"."""
    user_model = get_user_model()
    member = user_model.groups.through._meta
    users = user_model._meta.db_table
    source = {
        "token": f"{Token._meta.db_table} t JOIN {users} u ON u.id = t.user_id WHERE t.key = %s",
        "id": f"{users} u WHERE u.id = %s",
    }[by]
    return (
        f"SELECT {columns(user_model, 'u')}, "
        f"ARRAY(SELECT g.name FROM {member.db_table} ug JOIN {Group._meta.db_table} g ON g.id = ug.group_id"
        f" WHERE ug.user_id = u.id) "
        f"FROM {source}"
    )


def user_with_access(by: str, value: Any) -> Any | None:
    """The user found by token key or id, with their roles remembered; None if none."""
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(by), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, group_names = row
    user = from_row(get_user_model(), values)
    remember_roles(user, frozenset(role for role in Role if role.value in group_names))
    return user


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, in one query with the roles."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user = user_with_access("token", key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, Token(key=key, user=user)


class ModelBackendWithAccess(ModelBackend):
    """Django's ModelBackend; the user a session names is read with their roles."""

    def get_user(self, user_id: Any) -> Any | None:
        user = user_with_access("id", user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
