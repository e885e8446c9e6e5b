"""Who is calling, with their roles (and what higher layers register with read_with_user), in
one query.

Django reads the user, then every role check reads the groups again: for a claim that was
most of its queries and CPU (docs/benchmarks.md, claims). Here one query answers both, for
an API token and for a browser session alike, and roles_of() finds the answer cached on the
user for the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rest_framework import authentication, exceptions

from . import netaddr, ratelimit
from .dbrows import columns, from_row
from .models import ApiToken
from .roles import Role, remember_roles
from .tokens import hash_key

logger = logging.getLogger(__name__)

# A token's last_used is written at most this often: every API call writing its token's row
# would make one hot row of an integration pushing hundreds of batches a minute.
LAST_USED_EVERY_S = 60


@dataclass(frozen=True)
class UserFact:
    """Something a higher layer asks of nearly every caller, read in the user's own statement
    instead of a query of its own: `sql` is one scalar expression over the user's row (alias
    u); `remember(user, value)` keeps its value on the user for the request."""

    sql: str
    remember: Callable[[Any, Any], None]


_facts: list[UserFact] = []


def read_with_user(fact: UserFact) -> None:
    """Read `fact` with every user found here (an app's ready() registers its own)."""
    _facts.append(fact)
    _user_sql.cache_clear()


@cache
def _user_sql(by: str) -> str:
    """SELECT the user's columns and group names; `by` is "token" (the key's SHA-256) or "id".

    By token, the same statement finds the token still valid (not revoked, not expired) and
    touches its last_used when that is older than LAST_USED_EVERY_S: one round trip."""
    user_model = get_user_model()
    member = user_model.groups.through._meta
    users = user_model._meta.db_table
    tokens = ApiToken._meta.db_table
    prefix = {
        "token": (
            f"WITH t AS (SELECT id, user_id, last_used FROM {tokens} WHERE key_hash = %s"  # nosec B608
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())),"
            f" touched AS (UPDATE {tokens} SET last_used = now() FROM t WHERE {tokens}.id = t.id"
            f" AND (t.last_used IS NULL OR t.last_used < now() - interval '{LAST_USED_EVERY_S} seconds')) "
        ),
        "id": "",
    }[by]
    source = {
        "token": f"t JOIN {users} u ON u.id = t.user_id",
        "id": f"{users} u WHERE u.id = %s",
    }[by]
    return (
        # Table and column names from the models
        f"{prefix}SELECT {columns(user_model, 'u')}, "  # nosec B608
        f"ARRAY(SELECT g.name FROM {member.db_table} ug JOIN {Group._meta.db_table} g ON g.id = ug.group_id"
        f" WHERE ug.user_id = u.id)"
        f"{''.join(f', {fact.sql}' for fact in _facts)} "
        f"FROM {source}"
    )


def user_with_access(by: str, value: Any) -> Any | None:
    """The user found by token key (a valid token's) or id, with their roles remembered; None
    if none."""
    if by == "token":
        value = hash_key(value)
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(by), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(get_user_model()._meta.concrete_fields)
    user = from_row(get_user_model(), row[:width])
    group_names = row[width]
    remember_roles(user, frozenset(role for role in Role if role.value in group_names))
    for fact, value in zip(_facts, row[width + 1 :], strict=True):
        fact.remember(user, value)
    return user


def _failures_key(request: Any) -> str:
    return f"auth:token-failures:{netaddr.rate_key(netaddr.client_ip(request))}"


def _failures(key: str) -> int:
    try:
        return ratelimit.counted(key)
    except RedisError as exc:  # Redis down: tokens are still checked, only not counted
        logger.warning("wrong-token count skipped, Redis unreachable: %s", exc)
        return 0


def _count_failure(key: str) -> None:
    try:
        ratelimit.count(key, window_s=60)
    except RedisError as exc:
        logger.warning("wrong-token count skipped, Redis unreachable: %s", exc)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, in one query with the roles.

    Wrong keys are counted per client address (IPv6 per /64) in the cache: past
    API_TOKEN_FAILURES_PER_MINUTE, every token request from that address answers 429 with
    Retry-After until the minute is over, so keys cannot be guessed at speed."""

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[Any, None]:
        failures_key = _failures_key(self._request)
        if _failures(failures_key) >= settings.API_TOKEN_FAILURES_PER_MINUTE:
            raise exceptions.Throttled(wait=60, detail=_("Too many wrong API tokens from this address."))
        user = user_with_access("token", key)
        if user is None:
            _count_failure(failures_key)
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, None


class ModelBackendWithAccess(ModelBackend):
    """Django's ModelBackend; the user a session names is read with their roles."""

    def get_user(self, user_id: Any) -> Any | None:
        user = user_with_access("id", user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first of AUTHENTICATION_BACKENDS. A sign-in without a request (a
    shell, a test client's login) has no address to lock out, so it is not checked here."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
