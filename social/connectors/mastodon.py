"""Mastodon: the streaming API (SSE, or the WebSocket envelope), REST backfill of mentions
after a reconnect, replies, and holding natively scheduled statuses.

The access token always goes in the Authorization header, never in a query string, so it
cannot end up in proxy or server logs."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import httpx
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import http
from social import health
from social.models import HeldNativeSchedule

from .base import OutboundError, parse_or_report
from .html_text import html_to_text

logger = logging.getLogger(__name__)

PLATFORM = "mastodon"
# Held statuses are moved this far ahead rather than deleted: the post, its media and its
# visibility stay on the server untouched, and resuming is one PUT back to the original time.
HOLD_AHEAD = timedelta(days=365)
# Mastodon refuses a scheduled_at less than 5 minutes ahead.
MIN_SCHEDULE_AHEAD = timedelta(minutes=6)


def _status_id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are decimal strings that sort by time once compared as numbers."""
    return (len(value), value)


def newest_id(*ids: str) -> str:
    present = [i for i in ids if i]
    return max(present, key=_status_id_key) if present else ""


def status_to_mention(status: dict[str, Any]) -> dict[str, Any]:
    """One Status entity as a mention. A boost (reblog) is its original: the reshared post is
    what people see, and dedupe merges every boost of it into one mention."""
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = status.get("account") or {}
    text = html_to_text(status.get("content"))
    if status.get("spoiler_text"):
        text = f"CW: {status['spoiler_text']}\n\n{text}".strip()
    for media in status.get("media_attachments") or []:
        description = (media.get("description") or "").strip()
        text += f"\n[{media.get('type', 'media')}{': ' + description if description else ''}]"
    return {
        "platform": PLATFORM,
        "external_id": str(status["id"]),
        "text": text.strip(),
        "author": {
            "handle": account.get("acct") or account.get("username") or "",
            "followers": int(account.get("followers_count") or 0),
            "name": account.get("display_name") or "",
            "verified": False,
            "bio": html_to_text(account.get("note")),
        },
        "created_at": status.get("created_at"),
        "url": status.get("url") or status.get("uri") or "",
        "lang": status.get("language") or "",
        "reshares": int(status.get("reblogs_count") or 0),
        "replies": int(status.get("replies_count") or 0),
        "in_reply_to": str(status.get("in_reply_to_id") or ""),
    }


def _decode(payload: Any) -> Any:
    if isinstance(payload, (str, bytes)):
        try:
            return json.loads(payload)
        except ValueError:
            return payload  # a delete's payload is a bare id
    return payload


def normalise(payload: Any) -> list[dict[str, Any]]:
    """Mentions in a Mastodon payload: a Status, a Notification (type mention), a page of
    either, a WebSocket envelope {stream, event, payload: "<JSON string>"}, or an SSE event
    {event, data}. Deletes, other notification types and unknown events give []."""
    payload = _decode(payload)
    if isinstance(payload, list):
        return [mention for item in payload for mention in normalise(item)]
    if not isinstance(payload, dict):
        return []
    if "event" in payload and ("payload" in payload or "data" in payload):
        event = payload["event"]
        body = _decode(payload.get("payload", payload.get("data")))
        if event in ("update", "status.update"):
            return normalise(body) if isinstance(body, dict) and "content" in body else []
        if event == "notification":
            return normalise(body)
        return []
    if "type" in payload and "status" in payload:  # a Notification
        if payload["type"] == "mention" and isinstance(payload.get("status"), dict):
            return _mention(payload["status"])
        return []
    if "account" in payload and ("content" in payload or "reblog" in payload):
        return _mention(payload)
    return []


def _mention(status: dict[str, Any]) -> list[dict[str, Any]]:
    return parse_or_report(PLATFORM, lambda s: [status_to_mention(s)], status, [])


def parse_sse(lines: Iterable[str], *, heartbeats: bool = False) -> Iterator[tuple[str, str]]:
    """(event, data) pairs from Server-Sent Events lines. ':' lines are heartbeats, yielded
    as (":", "") when asked for, so a listener can flush its buffer while the stream is quiet."""
    event, data = "message", []
    for line in lines:
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            if heartbeats:
                yield ":", ""
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    if data:
        yield event, "\n".join(data)


class MastodonConnector:
    platform = PLATFORM

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str,
        keywords: Iterable[str] = (),
        own_acct: str = "",
        token_url: str = "",
        client: httpx.Client | None = None,
    ):
        """token_url: the server the access token was issued by (MASTODON_INSTANCE_URL); the
        token goes to that host, the hosts under it (streaming.<instance>) and
        MASTODON_STREAMING_URL only, whatever base_url says. Defaults to base_url."""
        self.base_url = base_url.rstrip("/")
        self.keywords = [k.lower() for k in keywords]
        self.own_acct = own_acct.lstrip("@").lower()
        self._streaming_base: str | None = os.environ.get("MASTODON_STREAMING_URL") or None
        bound = http.hosts_of(token_url or base_url, subdomains=True)
        bound += http.hosts_of(self._streaming_base or "")
        self.client = client or http.guarded_client(credential_hosts=bound)
        self._headers = {"Authorization": f"Bearer {access_token}"}

    # --- inbound ------------------------------------------------------------
    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return normalise(payload)

    def is_relevant(self, status: dict[str, Any]) -> bool:
        """A home-timeline update counts when it names us or a listen keyword."""
        status = status.get("reblog") or status
        if self.own_acct and any(
            (m.get("acct") or "").lower() in (self.own_acct, self.own_acct.split("@")[0])
            for m in status.get("mentions") or []
        ):
            return True
        text = html_to_text(status.get("content")).lower()
        return any(word in text for word in self.keywords)

    def get(self, path: str, params: Any = None) -> httpx.Response:
        return http.request(self.client, "GET", self.base_url + path, params=params, headers=self._headers)

    def mentions_since(self, since_id: str, *, pages: int = 10) -> tuple[list[dict[str, Any]], str]:
        """Mention notifications newer than since_id, oldest page first (min_id paging
        fills a gap exactly, where since_id would return only the newest page)."""
        found: list[dict[str, Any]] = []
        newest = since_id
        for _ in range(pages):
            params: list[tuple[str, str]] = [("types[]", "mention"), ("limit", "40")]
            if newest:
                params.append(("min_id", newest))
            page = self.get("/api/v1/notifications", params).json()
            if not page:
                break
            found.extend(normalise(page))
            newest = newest_id(newest, *(str(n["id"]) for n in page))
            if not since_id:  # first start: the latest page is enough
                break
        return found, newest

    def search_since(self, min_id: str) -> tuple[list[dict[str, Any]], str]:
        """Statuses matching the listen keywords newer than min_id (one page per keyword)."""
        found: list[dict[str, Any]] = []
        newest = min_id
        for word in self.keywords:
            params = {"q": word, "type": "statuses", "limit": "40"}
            if min_id:
                params["min_id"] = min_id
            statuses = self.get("/api/v2/search", params).json().get("statuses", [])
            found.extend(m for s in statuses for m in _mention(s))
            newest = newest_id(newest, *(str(s["id"]) for s in statuses))
        return found, newest

    def streaming_base(self) -> str:
        """Where the server streams from: many run streaming on another host, announced in
        the instance's configuration; the server itself when it says nothing."""
        if self._streaming_base is None:
            self._streaming_base = self.base_url
            try:
                urls = self.get("/api/v2/instance").json().get("configuration", {}).get("urls", {})
            except (OutboundError, ValueError):
                urls = {}
            scheme, sep, rest = (urls.get("streaming") or "").partition("://")
            if sep and scheme in ("wss", "https", "ws", "http"):
                self._streaming_base = (
                    f"{'https' if scheme in ('wss', 'https') else 'http'}://{rest.rstrip('/')}"
                )
        return self._streaming_base

    def stream_lines(self) -> Iterator[str]:
        """Lines of the user stream (home timeline and notifications), until it drops."""
        url = f"{self.streaming_base()}/api/v1/streaming/user"
        timeout = httpx.Timeout(10.0, read=90.0)  # the server sends a heartbeat every ~10 s
        with self.client.stream("GET", url, headers=self._headers, timeout=timeout) as response:
            if not response.is_success:
                response.read()
                http.check(response)
            yield from response.iter_lines()

    # --- outbound -----------------------------------------------------------
    def _post(self, path: str, data: dict[str, Any], *, idempotency: str = "") -> dict[str, Any]:
        headers = dict(self._headers)
        if idempotency:
            # Mastodon answers a repeated Idempotency-Key with the first result: a retried
            # reply after a timeout does not post twice.
            headers["Idempotency-Key"] = idempotency
        return http.request(self.client, "POST", self.base_url + path, json=data, headers=headers).json()

    def publish(self, *, account_handle: str, text: str) -> str:
        key = hashlib.sha256(f"publish:{account_handle}:{text}".encode()).hexdigest()
        return str(
            http.with_retries(lambda: self._post("/api/v1/statuses", {"status": text}, idempotency=key))["id"]
        )

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        handle = author_handle.lstrip("@")
        body = text if f"@{handle}".lower() in text.lower() else f"@{handle} {text}"
        key = hashlib.sha256(f"reply:{in_reply_to}:{body}".encode()).hexdigest()
        data = {"status": body, "in_reply_to_id": in_reply_to}
        status = http.with_retries(lambda: self._post("/api/v1/statuses", data, idempotency=key))
        return str(status["id"])

    def pin(self, *, external_id: str) -> None:
        """Pin one of our statuses to the profile (broadcast mode's holding post); Mastodon
        keeps at most five pins and says so in its error."""
        url = f"{self.base_url}/api/v1/statuses/{external_id}/pin"
        http.with_retries(lambda: http.request(self.client, "POST", url, headers=self._headers))

    def pause_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Mastodon has no ad campaigns")

    def resume_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Mastodon has no ad campaigns")

    def _reschedule(self, external_id: str, when) -> dict[str, Any]:
        url = f"{self.base_url}/api/v1/scheduled_statuses/{external_id}"
        data = {"scheduled_at": when.isoformat().replace("+00:00", "Z")}
        return http.with_retries(
            lambda: http.request(self.client, "PUT", url, json=data, headers=self._headers).json()
        )

    def pause_scheduled(self, *, external_id: str) -> None:
        """Move the scheduled status a year ahead and remember its time. Safe to repeat: a
        second pause keeps the first original time."""
        held = HeldNativeSchedule.objects.filter(platform=PLATFORM, external_id=external_id).first()
        if held is None:
            url = f"{self.base_url}/api/v1/scheduled_statuses/{external_id}"
            current = http.with_retries(
                lambda: http.request(self.client, "GET", url, headers=self._headers).json()
            )
            original = parse_datetime(current["scheduled_at"])
            HeldNativeSchedule.objects.get_or_create(
                platform=PLATFORM, external_id=external_id, defaults={"original_at": original}
            )
        self._reschedule(external_id, timezone.now() + HOLD_AHEAD)

    def resume_scheduled(self, *, external_id: str) -> None:
        """Back to the original time, or a few minutes from now if it passed during the hold."""
        held = HeldNativeSchedule.objects.filter(platform=PLATFORM, external_id=external_id).first()
        if held is None:
            raise OutboundError(f"scheduled status {external_id} was not held by us")
        when = max(held.original_at, timezone.now() + MIN_SCHEDULE_AHEAD)
        self._reschedule(external_id, when)
        held.delete()


def record_failure(exc: Exception) -> float | None:
    """Report a stream fault to the health page; returns the platform's wait if it gave one."""
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        health.record_rate_limit(PLATFORM, retry_after=retry_after)
    health.record_error(PLATFORM, str(exc) or type(exc).__name__)
    return retry_after
