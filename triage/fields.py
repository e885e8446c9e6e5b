"""The bounds of every field a stranger writes: checked once, at the edge (ingest.normalise).

Pure functions over plain values. Each returns the clean value or raises FieldError with
a reason a sender can act on. The bounds are the columns' own (PostgreSQL integer and
bigint, timestamptz, varchar lengths) and the real world's (no post older than 2000 or
from tomorrow, no UTC offset beyond +-14:00), so nothing that passes here can fail the
COPY of a batch or a read of the queue later.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

INT_MAX = 2**31 - 1  # PositiveIntegerField: reshares, replies, quotes
BIGINT_MAX = 2**63 - 1  # PositiveBigIntegerField: followers
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clocks drift; a post from tomorrow is not a post
MAX_OFFSET = timedelta(hours=14)  # Kiribati; PostgreSQL refuses offsets past 15:59
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_url = URLValidator(schemes=["http", "https"])


class FieldError(ValueError):
    pass


def has_lone_surrogate(value: str) -> bool:
    """True when the text holds half of a UTF-16 pair (JSON's "\\ud800"): no database or
    browser can carry it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text(value: Any, *, limit: int, required: bool = False, allow_ints: bool = False) -> str:
    if value is None:
        if required:
            raise FieldError(_("is required"))
        return ""
    if allow_ints and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(_("must be a string"))
    if has_lone_surrogate(value):
        raise FieldError(_("contains invalid Unicode (a lone surrogate)"))
    if len(value) > limit:
        raise FieldError(_("is longer than %(limit)s characters") % {"limit": limit})
    return value


def count(value: Any, *, maximum: int = INT_MAX, required: bool = False) -> int:
    if value is None:
        if required:
            raise FieldError(_("is required"))
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(_("must be a whole number, 0 or more"))
    if value > maximum:
        raise FieldError(_("must be at most %(maximum)s") % {"maximum": maximum})
    return value


def moment(value: Any, *, now: datetime) -> datetime:
    """An ISO 8601 date and time between 2000-01-01 and tomorrow, as UTC."""
    if not isinstance(value, str) or has_lone_surrogate(value):
        raise FieldError(_("is required as an ISO 8601 date and time"))
    try:
        parsed = parse_datetime(value.strip())
    except ValueError as exc:  # well formed but impossible: month 13, hour 25
        raise FieldError(_("is not a real date and time (%(reason)s)") % {"reason": exc}) from None
    if parsed is None:
        raise FieldError(_("is required as an ISO 8601 date and time"))
    offset = parsed.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise FieldError(_("has a UTC offset beyond +-14:00"))
    try:
        moment = parsed.astimezone(UTC) if offset is not None else parsed.replace(tzinfo=UTC)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        moment = None
    if moment is None or not EARLIEST <= moment <= now + FUTURE_SLACK:
        raise FieldError(
            _("must be between %(earliest)s and %(latest)s")
            % {"earliest": EARLIEST.date().isoformat(), "latest": (now + FUTURE_SLACK).date().isoformat()}
        )
    return moment


def url(value: str) -> str:
    """An absolute http(s) URL (anything else is never shown as a link), or ""."""
    if not value:
        return ""
    try:
        _url(value)
    except ValidationError:
        raise FieldError(_("must be an absolute http(s) URL")) from None
    return value


def lang(value: str) -> str:
    if value and not LANG.match(value):
        raise FieldError(_("must be a language tag such as en or pt-BR"))
    return value
