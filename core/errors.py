"""The one domain error type. Services raise it with the HTTP status it means; the API's
exception handler and the page middleware turn it into a response once, so views hold no
except ladders."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A rule said no. `status` is what it means over HTTP; `code` is stable for clients."""

    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.retry_after = retry_after
        self.details = details or {}

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code, **self.details}


class NotFound(DomainError):
    status, code = 404, "not_found"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


class TooLarge(DomainError):
    status, code = 413, "too_large"


class Unavailable(DomainError):
    """A dependency (database, Redis) is down: clients should come back after retry_after."""

    status, code = 503, "unavailable"


logger = logging.getLogger(__name__)

# What the database driver raises while PostgreSQL is down, restarting or failing over.
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(exc: BaseException) -> Unavailable:
    """The 503 a request gets while the database is unreachable, never a 500: ingest clients and
    browsers come back after Retry-After, and nothing they sent was half-stored."""
    logger.warning("database unavailable, answering 503: %s: %s", type(exc).__name__, str(exc).strip()[:300])
    return Unavailable(
        gettext("The service is briefly unavailable (database unreachable). Please try again shortly."),
        code="database_unavailable",
        retry_after=settings.UNAVAILABLE_RETRY_AFTER,
    )


def _headers(error: DomainError) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)} if error.retry_after is not None else {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: DomainError by its status, the rest as DRF does."""
    if isinstance(exc, DATABASE_DOWN):
        exc = database_unavailable(exc)
    if isinstance(exc, DomainError):
        return Response(exc.payload(), status=exc.status, headers=_headers(exc))
    return drf_exception_handler(exc, context)


class DomainErrorMiddleware:
    """Pages: a DomainError that reaches the top answers its status with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DATABASE_DOWN):
            exc = database_unavailable(exc)
        if not isinstance(exc, DomainError):
            return None
        return error_response(request, exc)


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A page's answer to a DomainError: JSON when asked for, else its message as text."""
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    wants_json = wants_json or request.path_info.startswith("/api/")
    if wants_json:
        response: HttpResponse = JsonResponse(exc.payload(), status=exc.status)
    else:
        response = HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    for name, value in _headers(exc).items():
        response[name] = value
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: what fails outside a view (a session saved by middleware, a context processor)
    with the database down is still a 503 with Retry-After; anything else stays a plain 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return error_response(request, database_unavailable(exc))
    return HttpResponse(gettext("Server error."), status=500, content_type="text/plain; charset=utf-8")
