from __future__ import annotations

from typing import Any, Protocol

from core.http import OutboundError

__all__ = ["Connector", "OutboundError"]


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
