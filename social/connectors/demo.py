"""Stand-ins for a platform without credentials: in the demo, one that logs what it would do;
in production, one that refuses every outbound call with the reason."""

import logging
import uuid
from typing import Any

from core.http import OutboundError

logger = logging.getLogger(__name__)


class DemoConnector:
    def __init__(self, platform: str):
        self.platform = platform

    def _id(self) -> str:
        return f"demo-{uuid.uuid4().hex[:12]}"

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return list(payload) if isinstance(payload, list) else [payload]

    def publish(self, *, account_handle: str, text: str) -> str:
        logger.info("[%s demo] @%s posts: %s", self.platform, account_handle, text[:80])
        return self._id()

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        logger.info("[%s demo] reply to @%s (%s): %s", self.platform, author_handle, in_reply_to, text[:80])
        return self._id()

    def pin(self, *, external_id: str) -> None:
        logger.info("[%s demo] post %s pinned", self.platform, external_id)

    def pause_campaign(self, *, external_id: str) -> None:
        logger.info("[%s demo] campaign %s paused", self.platform, external_id)

    def resume_campaign(self, *, external_id: str) -> None:
        logger.info("[%s demo] campaign %s resumed", self.platform, external_id)

    def pause_scheduled(self, *, external_id: str) -> None:
        logger.info("[%s demo] scheduled item %s held", self.platform, external_id)

    def resume_scheduled(self, *, external_id: str) -> None:
        logger.info("[%s demo] scheduled item %s released", self.platform, external_id)


class NotConnected:
    """A platform whose credentials are not set, outside the demo: nothing is sent, and every
    attempt fails at once (not retried) saying what to configure."""

    def __init__(self, platform: str):
        self.platform = platform

    def _refuse(self) -> OutboundError:
        return OutboundError(
            f"{self.platform} is not connected: its credentials are not set "
            "(README: Connecting real platforms)"
        )

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return list(payload) if isinstance(payload, list) else [payload]

    def publish(self, *, account_handle: str, text: str) -> str:
        raise self._refuse()

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        raise self._refuse()

    def pause_campaign(self, *, external_id: str) -> None:
        raise self._refuse()

    def resume_campaign(self, *, external_id: str) -> None:
        raise self._refuse()

    def pause_scheduled(self, *, external_id: str) -> None:
        raise self._refuse()

    def resume_scheduled(self, *, external_id: str) -> None:
        raise self._refuse()
