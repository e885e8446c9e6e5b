from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from core.http import OutboundError
from social import health

logger = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = ["MALFORMED", "Connector", "OutboundError", "parse_or_report"]


class Connector(Protocol):
    """What every platform module offers. Inbound: payload -> mention dicts in the
    `POST /api/v1/mentions/` shape (DESIGN.md), handed to `triage.ingest.accept_batch`.
    Outbound: reply, publish, and pause/resume of ads and platform-native schedules."""

    platform: str

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        """Mentions found in one platform payload (an event, a page of results); [] if none."""

    def publish(self, *, account_handle: str, text: str) -> str:
        """Post now; returns the platform's id for the post."""

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        """Reply to a mention; returns the platform's id for the reply."""

    def pause_campaign(self, *, external_id: str) -> None:
        """Pause one ad campaign on the platform."""

    def resume_campaign(self, *, external_id: str) -> None:
        """Resume one ad campaign this product paused."""

    def pause_scheduled(self, *, external_id: str) -> None:
        """Hold one item scheduled natively on the platform (not by our own publisher)."""

    def resume_scheduled(self, *, external_id: str) -> None:
        """Release one natively scheduled item held by pause_scheduled."""


MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def parse_or_report(platform: str, parse: Callable[[Any], T], payload: Any, default: T) -> T:
    """parse(payload), or default when the payload is not what the platform documents: the
    reason is logged and counted on the health page, and the stream goes on."""
    try:
        return parse(payload)
    except MALFORMED as exc:
        logger.warning("%s: malformed payload skipped: %r", platform, exc)
        health.record_error(platform, f"malformed payload skipped: {type(exc).__name__}: {exc}")
        return default
