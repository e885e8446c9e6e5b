"""The one domain error type. Services raise it with the HTTP status it means; the API's
exception handler and the page middleware turn it into a response once, so views hold no
except ladders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
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


def _headers(error: DomainError) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)} if error.retry_after is not None else {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER: DomainError by its status, the rest as DRF does."""
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
        if not isinstance(exc, DomainError):
            return None
        if request.headers.get("Accept", "").startswith("application/json"):
            response: HttpResponse = JsonResponse(exc.payload(), status=exc.status)
        else:
            response = HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
        for name, value in _headers(exc).items():
            response[name] = value
        return response
