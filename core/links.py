"""Links that carry their own proof, for people without an account (a department's "we have
read it", a roster member's "on my way", a shared plan): one record id, signed and time-limited."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _


class BadLink(Exception):
    """The link was altered or has expired, or what it points to no longer exists."""


def signed_url(path: str, *, salt: str, key: str, record_id: int) -> str:
    """The public URL `path` + a token naming `record_id`; `path` ends with a slash."""
    token = signing.dumps({key: record_id}, salt=salt, compress=True)
    return f"{settings.PUBLIC_BASE_URL}{path}{token}/"


def record_id(token: str, *, salt: str, key: str, max_age: timedelta) -> int:
    """The id a token from signed_url() names; BadLink with the reason a reader understands."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise BadLink(_("This link has expired.")) from exc
    except signing.BadSignature as exc:
        raise BadLink(_("This link is not valid.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        raise BadLink(_("This link is not valid."))
    return data[key]
