"""The signed generic webhook any listening tool can push to.

The sender signs `<unix timestamp>.<raw body>` with HMAC-SHA256 and a shared secret and sends
`X-CrisisCenter-Signature: t=<timestamp>,v1=<hex>` (several v1= values are allowed, for
rotating the secret). Old timestamps are refused so a captured delivery cannot be replayed
later; a delivery seen before is acknowledged and stores nothing."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from social import receipts
from social.connectors.base import OutboundError

HEADER = "X-CrisisCenter-Signature"
TOLERANCE_SECONDS = 300
SOURCE = "generic"  # the batch source, and the health row (Platform.GENERIC)


class SignatureError(Exception):
    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.reason, self.status = reason, status


class DeliveryError(Exception):
    """A genuine delivery whose body cannot be accepted (400)."""

    def __init__(self, reason: str, problems: dict | None = None):
        super().__init__(reason)
        self.reason, self.problems = reason, problems or {}


@dataclass(frozen=True)
class Signed:
    timestamp: int
    signature: str


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The header value a sender computes (also what the README shows in Python)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, body: bytes, secret: str, *, now: float | None = None) -> Signed:
    """The checked signature, or SignatureError: 401 when missing or unreadable, 403 when
    forged or too old."""
    if not header:
        raise SignatureError(f"the {HEADER} header is missing", 401)
    parts: dict[str, list[str]] = {}
    for piece in header.split(","):
        key, sep, value = piece.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    timestamps, signatures = parts.get("t", []), parts.get("v1", [])
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise SignatureError(f"the {HEADER} header must be t=<unix time>,v1=<hex>", 401)
    timestamp = int(timestamps[0])
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("the signature timestamp is more than 5 minutes away from now", 403)
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    for candidate in signatures:
        if hmac.compare_digest(candidate.encode(), expected.encode()):
            return Signed(timestamp, candidate)
    raise SignatureError("the signature does not match the body", 403)


def first_delivery(source: str, signed: Signed) -> bool:
    """Record the delivery; False if this exact signed delivery was already received. Call
    inside the transaction that stores the delivery, so a failed store can be retried."""
    return receipts.first_delivery(source, signed.signature, keep_seconds=2 * TOLERANCE_SECONDS)


class ListeningToolConnector:
    """The connector for mentions with platform "generic": a listening tool found them on a site
    we have no account on, so nothing can be sent back. A reply fails at once with the reason
    (rather than the demo connector pretending it was sent); the agent answers at the source."""

    platform = "generic"

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return list(payload) if isinstance(payload, list) else [payload]

    def _refuse(self, what: str) -> OutboundError:
        return OutboundError(
            f"{what}: this mention came from a listening tool, not a connected platform; "
            "answer it where it was posted (open its link) and mark it resolved"
        )

    def publish(self, *, account_handle: str, text: str) -> str:
        raise self._refuse("cannot publish")

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        raise self._refuse("cannot reply")

    def pause_campaign(self, *, external_id: str) -> None:
        raise self._refuse("no campaigns")

    def resume_campaign(self, *, external_id: str) -> None:
        raise self._refuse("no campaigns")

    def pause_scheduled(self, *, external_id: str) -> None:
        raise self._refuse("no scheduled posts")

    def resume_scheduled(self, *, external_id: str) -> None:
        raise self._refuse("no scheduled posts")
