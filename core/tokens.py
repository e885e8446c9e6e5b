"""API tokens: made, shown once, stored hashed, revoked (the one writer of core.ApiToken)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ApiToken

KEY_BYTES = 30  # 40 characters of URL-safe base64, as long as DRF's keys were


def hash_key(key: str) -> str:
    """What is stored and looked up: SHA-256 of the key. A key is 240 random bits, so a plain
    fast hash is enough (no salt or stretching needed: there is nothing to guess)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    key: str  # shown once, never stored


def issue(*, user: Any, name: str, expires_at: datetime | None = None, rotate: bool = False) -> Issued:
    """A new token for `user`; with `rotate`, every token the user still had is revoked."""
    key = secrets.token_urlsafe(KEY_BYTES)
    with transaction.atomic():
        if rotate:
            revoke_all(user=user)
        token = ApiToken.objects.create(
            user=user, name=name[:100], key_hash=hash_key(key), prefix=key[:6], expires_at=expires_at
        )
    return Issued(token=token, key=key)


def revoke_all(*, user: Any) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke(tokens) -> int:
    """Revoke the tokens of a queryset still active; returns how many were."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
