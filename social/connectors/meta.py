"""Meta: Facebook Page and Instagram webhooks (hub.challenge verification, deliveries
signed with X-Hub-Signature-256 over the raw body), replies through the Graph API and
campaigns paused through the Marketing API.

One delivery can batch several entries, each with several changes: they become one list
of mentions. Quirks from fixtures/platforms/SOURCES.md: a sticker comment has no
`message`; entry.time is seconds or milliseconds; the dashboard's test mention has
entry.id "0" and only ids; rate limits come as HTTP 400 OAuthException with codes 4, 17,
32 or 613, while 190 is a bad token (permanent).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings

from core.http import guarded_client, hosts_of, request

from .. import credentials
from .base import OutboundError

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
RATE_LIMIT_CODES = {4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80014}
NO_TEXT = "(comment without text: a sticker, photo or GIF)"
MENTION_FIELDS = "id,text,timestamp,username,like_count"


# --- webhooks -----------------------------------------------------------------
def signature_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    if not header or not app_secret:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


def verify_subscription(params: dict[str, str], verify_token: str) -> str | None:
    """The hub.challenge to echo when Meta's subscription check is genuine, else None."""
    if params.get("hub.mode") != "subscribe" or not verify_token:
        return None
    if not hmac.compare_digest(params.get("hub.verify_token", "").encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")


def entry_seconds(entry: dict[str, Any]) -> float | None:
    value = entry.get("time")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return value / 1000 if value > 10**11 else float(value)  # milliseconds or seconds


def _iso(seconds: Any) -> str:
    if isinstance(seconds, int | float) and not isinstance(seconds, bool):
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    if isinstance(seconds, str) and seconds:
        return datetime.fromisoformat(seconds.replace("+0000", "+00:00")).astimezone(UTC).isoformat()
    return datetime.now(UTC).isoformat()


def _changes(payload: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise ValueError("a Meta delivery has an entry list")
    found = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes", []), list):
            raise ValueError("each Meta entry is an object with a changes list")
        found += [(entry, c) for c in entry.get("changes", []) if isinstance(c, dict)]
    return found


def _facebook_comment(entry: dict[str, Any], value: dict[str, Any]) -> dict[str, Any] | None:
    if value.get("item") != "comment" or value.get("verb") != "add":
        return None
    author = value.get("from") or {}
    if str(author.get("id", "")) == str(entry.get("id")):
        return None  # the Page's own comment (our replies)
    post_id = str(value.get("post_id", ""))
    return {
        "platform": "facebook",
        "external_id": str(value["comment_id"]),
        "text": value.get("message") or NO_TEXT,
        "author": {"handle": author.get("name") or str(author.get("id", "unknown")), "followers": 0},
        "created_at": _iso(value.get("created_time")),
        "url": f"https://www.facebook.com/{post_id}" if post_id else "",
        "in_reply_to": str(value.get("parent_id") or post_id),
    }


def _instagram_comment(value: dict[str, Any]) -> dict[str, Any] | None:
    author = value.get("from") or {}
    if not value.get("id") or not author.get("username"):
        return None
    return {
        "platform": "instagram",
        "external_id": str(value["id"]),
        "text": value.get("text") or NO_TEXT,
        "author": {"handle": author["username"], "followers": 0},
        "created_at": _iso(value.get("timestamp")),
        "in_reply_to": str(value.get("parent_id") or (value.get("media") or {}).get("id") or ""),
    }


def normalise(payload: Any) -> list[dict[str, Any]]:
    """Facebook Page comments and Instagram comments in one delivery, in order."""
    mentions = []
    for entry, change in _changes(payload):
        value = change.get("value")
        if not isinstance(value, dict):
            continue
        if payload.get("object") == "page" and change.get("field") == "feed":
            mention = _facebook_comment(entry, value)
        elif payload.get("object") == "instagram" and change.get("field") == "comments":
            mention = _instagram_comment(value)
        else:
            mention = None
        if mention:
            mentions.append(mention)
    return list({m["external_id"]: m for m in mentions}.values())


def removed_comments(payload: Any) -> list[str]:
    """Ids of Page comments their authors (or moderators) removed: `verb: remove`."""
    if not isinstance(payload, dict) or payload.get("object") != "page":
        return []
    return [
        str(change["value"]["comment_id"])
        for _, change in _changes(payload)
        if change.get("field") == "feed"
        and isinstance(change.get("value"), dict)
        and change["value"].get("item") == "comment"
        and change["value"].get("verb") == "remove"
        and change["value"].get("comment_id")
    ]


def instagram_mentions(payload: Any) -> list[tuple[str, str]]:
    """(Instagram account id, comment id) of each `mentions` change: the delivery carries
    ids only, the text needs a Graph look-up. The dashboard's test (entry.id "0") is skipped."""
    if not isinstance(payload, dict) or payload.get("object") != "instagram":
        return []
    found = []
    for entry, change in _changes(payload):
        value = change.get("value") or {}
        if change.get("field") != "mentions" or not isinstance(value, dict) or not value.get("comment_id"):
            continue
        if str(entry.get("id")) == "0":
            logger.info("meta: the App Dashboard's test mention (entry id 0) received; nothing to store")
            continue
        found.append((str(entry["id"]), str(value["comment_id"])))
    return found


# --- the connector ----------------------------------------------------------------
class MetaConnector:
    """One class for both platforms: `facebook` (Pages) and `instagram` share the Graph API."""

    def __init__(self, platform: str, client: httpx.Client | None = None):
        self.platform = platform
        # The tokens go to the Graph API only (read per call: tests point it elsewhere).
        self.client = client or guarded_client(credential_hosts=lambda: hosts_of(settings.META_GRAPH_BASE))

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return [m for m in normalise(payload) if m["platform"] == self.platform]

    def _url(self, path: str) -> str:
        return f"{settings.META_GRAPH_BASE}/{settings.META_GRAPH_VERSION}/{path}"

    def _call(self, method: str, path: str, *, token: str, **kwargs) -> dict[str, Any]:
        try:
            response = request(
                self.client, method, self._url(path), headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
        except OutboundError as exc:
            raise _rate_limit_or(exc) from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise OutboundError(f"Graph API answered with no JSON: {response.text[:200]}") from exc
        return body if isinstance(body, dict) else {}

    def _page_token(self) -> str:
        return credentials.secret("meta", "page_access_token")

    def _ads_token(self) -> str:
        return credentials.secret("meta", "ads_access_token", required=False) or self._page_token()

    def publish(self, *, account_handle: str, text: str) -> str:
        if self.platform != "facebook":
            raise OutboundError("publishing to Instagram needs media; post it from Instagram")
        page = credentials.secret("meta", "page_id")
        return str(self._call("POST", f"{page}/feed", token=self._page_token(), data={"message": text})["id"])

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        edge = "comments" if self.platform == "facebook" else "replies"
        body = self._call("POST", f"{in_reply_to}/{edge}", token=self._page_token(), data={"message": text})
        if not body.get("id"):
            raise OutboundError(f"Graph API answered without a comment id: {body}")
        return str(body["id"])

    def _set_campaign(self, external_id: str, status: str) -> None:
        body = self._call("POST", external_id, token=self._ads_token(), data={"status": status})
        # Documented as {"success": true}; some pages of the docs show the string "true".
        if body.get("success") not in (True, "true"):
            raise OutboundError(f"Marketing API did not confirm {status} for {external_id}: {body}")

    def pause_campaign(self, *, external_id: str) -> None:
        self._set_campaign(external_id, "PAUSED")

    def resume_campaign(self, *, external_id: str) -> None:
        self._set_campaign(external_id, "ACTIVE")

    def pause_scheduled(self, *, external_id: str) -> None:
        raise OutboundError(
            f"{self.platform} has no pause for a natively scheduled post: "
            "reschedule or delete it in Meta Business Suite"
        )

    def resume_scheduled(self, *, external_id: str) -> None:
        raise OutboundError(f"{self.platform} has no pause for a natively scheduled post")

    def mentioned_comment(self, account_id: str, comment_id: str) -> dict[str, Any] | None:
        """The Instagram comment that mentioned us, as a mention (the webhook gives ids only)."""
        body = self._call(
            "GET",
            account_id,
            token=self._page_token(),
            params={"fields": f"mentioned_comment.comment_id({comment_id}){{{MENTION_FIELDS}}}"},
        )
        comment = body.get("mentioned_comment") or {}
        if not comment.get("id") or not comment.get("username"):
            return None
        return {
            "platform": "instagram",
            "external_id": str(comment["id"]),
            "text": comment.get("text") or NO_TEXT,
            "author": {"handle": comment["username"], "followers": 0},
            "created_at": _iso(comment.get("timestamp")),
        }


def _rate_limit_or(exc: OutboundError) -> OutboundError:
    """Meta signals rate limits as HTTP 400 with particular codes: those are worth retrying."""
    message = str(exc)
    for code in RATE_LIMIT_CODES:
        if f"(code {code})" in message:
            return OutboundError(message, transient=True, retry_after=exc.retry_after)
    return exc
