"""Log lines that can be followed: the batch a line belongs to, in plain or JSON logs.

A batch of mentions crosses three processes (the web process accepts and queues it, a
worker scores, stores and broadcasts it). Each step runs its work inside
`log_context(batch=...)`, and every line logged meanwhile, by our code or a library,
carries `batch`: grep `batch=123` in plain logs, or filter on `"batch": 123` in JSON ones
(LOG_FORMAT=json, one object per line, for a log shipper).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Any

from pythonjsonlogger.json import JsonFormatter

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("log_context", default=None)


@contextlib.contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Within this block, every log line carries these fields (nested blocks add to them)."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, Any]:
    return dict(_context.get() or {})


class ContextFilter(logging.Filter):
    """Copies the fields of the current log_context onto each record (on the handler, so
    records of every logger get them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _context.get()
        record.context = " ".join(f"{k}={v}" for k, v in fields.items()) if fields else ""
        for key, value in (fields or {}).items():
            setattr(record, key, value)
        return True


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger: message [batch=123]`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = getattr(record, "context", "")
        return f"{line} [{context}]" if context else line


class JsonLinesFormatter(JsonFormatter):
    """One JSON object a line: time, level, logger, message, the context fields, any error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("context", None)  # the plain formatter's rendering of the same fields


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """settings.LOGGING for LOG_FORMAT ("plain" or "json")."""
    formatter = {"()": JsonLinesFormatter} if fmt == "json" else {"()": PlainFormatter}
    if fmt != "json":
        formatter["fmt"] = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["context"]}
        },
        "root": {"handlers": ["console"], "level": level},
        # httpx logs every request's full URL at INFO, and a webhook URL is a credential:
        # our own lines name outbound URLs redacted (core.netguard), theirs stay quiet.
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # django-axes writes a line at INFO for every successful sign-in; lockouts are WARNING.
            "axes": {"level": "WARNING"},
        },
    }
