"""JSON from strangers, bounded: a body nested deeper than MAX_DEPTH is refused with a 400
instead of exhausting the parser's recursion (a 500) or PostgreSQL's stack on jsonb."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # the deepest real payload here (an X delivery with includes) is under 10


def depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        children = (
            current.values() if isinstance(current, dict) else current if isinstance(current, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, raising ValueError (never RecursionError) for bodies nested too deeply."""
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(_("the JSON is nested too deeply")) from None
    if depth(value) > max_depth:
        raise ValueError(_("the JSON is nested more than %(depth)s levels deep") % {"depth": max_depth})
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth bound (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            return loads(raw.decode(encoding))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": exc}) from None
