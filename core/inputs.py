"""Query parameters and body fields from strangers: what PostgreSQL or Python would choke
on (NUL, a lone surrogate, "abc" for a number) becomes a 400 naming the parameter, raised
as a DomainError so views hold no except ladders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import DomainError


class BadInput(DomainError):
    status, code = 400, "bad_input"


def text(value: Any, name: str, *, limit: int = 200) -> str:
    """A string with no NUL and no lone surrogate, at most `limit` characters."""
    if not isinstance(value, str):
        raise BadInput(_("%(name)s must be a string") % {"name": name})
    if "\x00" in value:
        raise BadInput(_("%(name)s must not contain NUL characters") % {"name": name})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(_("%(name)s contains invalid Unicode (a lone surrogate)") % {"name": name}) from None
    if len(value) > limit:
        raise BadInput(_("%(name)s is longer than %(limit)s characters") % {"name": name, "limit": limit})
    return value


def text_param(params, name: str, *, limit: int = 200) -> str:
    """A query parameter as text ("" when absent)."""
    raw = params.get(name)
    return text(raw, name, limit=limit) if raw else ""


def integer(value: Any, name: str, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    """A whole number in [minimum, maximum], from JSON or a query string."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise BadInput(
            _("%(name)s must be a whole number from %(minimum)s to %(maximum)s")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return value


def integer_param(params, name: str, **bounds: int) -> int | None:
    raw = params.get(name)
    return None if raw in (None, "") else integer(raw, name, **bounds)


def string_list(value: Any, name: str, *, limit: int = 40, max_items: int = 100) -> list[str]:
    """A JSON list of strings (None is an empty list)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInput(_("%(name)s must be a list of strings") % {"name": name})
    if len(value) > max_items:
        raise BadInput(_("%(name)s has more than %(count)s items") % {"name": name, "count": max_items})
    return [text(item, f"{name}[{index}]", limit=limit) for index, item in enumerate(value)]


class BodyLimitMiddleware:
    """413, not Django's 400, for a body past DATA_UPLOAD_MAX_MEMORY_SIZE, before anything
    reads it. File uploads (multipart) have their own limits and are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        if limit is not None and length > limit and not multipart:
            message = _("the body is %(length)s bytes; at most %(limit)s are accepted") % {
                "length": length,
                "limit": limit,
            }
            if request.path.startswith(("/api/", "/webhooks/")) or "json" in request.content_type:
                return JsonResponse({"detail": message, "code": "too_large"}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
