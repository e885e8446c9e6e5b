from __future__ import annotations

from typing import Protocol


class ConnectorError(Exception):
    """A platform call that failed. transient: worth retrying (429, 5xx, timeout)."""

    def __init__(self, message: str, *, transient: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class Connector(Protocol):
    platform: str

    def publish(self, *, account_handle: str, text: str) -> str:
        """Post now; returns the platform's id for the post."""

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        """Reply to a mention; returns the platform's id for the reply."""

    def pause_campaign(self, *, external_id: str) -> None:
        """Pause one ad campaign on the platform."""
