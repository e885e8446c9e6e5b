"""Bluesky: Jetstream post events as mentions, profiles for follower counts (cached), and
replies as post records with the right reply refs and facets.

Facet offsets are UTF-8 byte offsets, never character indexes: every slice here is on bytes."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import httpx
from django.core.cache import cache

from core import http
from social import health

from .base import OutboundError

logger = logging.getLogger(__name__)

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
DEFAULT_SERVICE = "https://bsky.social"
DEFAULT_APPVIEW = "https://public.api.bsky.app"
DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
PROFILE_TTL = 3600
MAX_POST_CHARS = 300
_URL = re.compile(rb"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


# --- pure parsing -------------------------------------------------------------
def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST}/{rkey}"


def web_url(uri: str, handle: str = "") -> str:
    """at://did/app.bsky.feed.post/rkey -> https://bsky.app/profile/<handle or did>/post/rkey"""
    did, _, rkey = uri.removeprefix("at://").partition(f"/{POST}/")
    return f"https://bsky.app/profile/{handle or did}/post/{rkey}"


def facet_spans(record: dict[str, Any]) -> list[tuple[int, int, dict[str, Any]]]:
    spans = []
    for facet in record.get("facets") or []:
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
            continue
        for feature in facet.get("features") or []:
            spans.append((start, end, feature))
    return spans


def facet_text(record: dict[str, Any], start: int, end: int) -> str:
    return record.get("text", "").encode("utf-8")[start:end].decode("utf-8", errors="replace")


def mentioned_dids(record: dict[str, Any]) -> set[str]:
    return {
        f["did"]
        for _, _, f in facet_spans(record)
        if f.get("$type") == "app.bsky.richtext.facet#mention" and f.get("did")
    }


def expanded_text(record: dict[str, Any]) -> str:
    """The post text with each link facet's (often shortened) label replaced by its full URL."""
    data = record.get("text", "").encode("utf-8")
    links = sorted(
        (start, end, f["uri"])
        for start, end, f in facet_spans(record)
        if f.get("$type") == "app.bsky.richtext.facet#link" and f.get("uri") and end <= len(data)
    )
    out, cursor = [], 0
    for start, end, uri in links:
        if start < cursor:
            continue  # overlapping facets: keep the first
        out += [data[cursor:start], uri.encode()]
        cursor = end
    out.append(data[cursor:])
    return b"".join(out).decode("utf-8", errors="replace")


def _embed_notes(record: dict[str, Any]) -> list[str]:
    embed = record.get("embed") or {}
    notes = []
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.recordWithMedia":
        notes += _embed_notes({"embed": embed.get("media") or {}})
        embed = {"$type": "app.bsky.embed.record", "record": (embed.get("record") or {}).get("record")}
        kind = embed["$type"]
    if kind == "app.bsky.embed.images":
        for image in embed.get("images") or []:
            alt = (image.get("alt") or "").strip()
            notes.append(f"[image: {alt}]" if alt else "[image]")
    elif kind == "app.bsky.embed.video":
        notes.append("[video]")
    elif kind == "app.bsky.embed.external":
        external = embed.get("external") or {}
        notes.append(f"[link: {external.get('uri', '')}]")
    elif kind == "app.bsky.embed.record":
        quoted = (embed.get("record") or {}).get("uri", "")
        if quoted.startswith("at://") and f"/{POST}/" in quoted:
            notes.append(f"[quoting {web_url(quoted)}]")
    return notes


def _iso_from_time_us(time_us: int) -> str:
    return datetime.fromtimestamp(time_us / 1_000_000, tz=UTC).isoformat().replace("+00:00", "Z")


def created_post(event: dict[str, Any]) -> dict[str, Any] | None:
    """The post record of a Jetstream commit that creates a post; None for anything else
    (identity, account, likes, follows, deletes, updates)."""
    if not isinstance(event, dict) or event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    if commit.get("operation") != "create" or commit.get("collection") != POST:
        return None
    record = commit.get("record")
    return record if isinstance(record, dict) and isinstance(record.get("text"), str) else None


def event_to_mention(event: dict[str, Any], profile: dict[str, Any] | None = None) -> dict[str, Any] | None:
    record = created_post(event)
    if record is None:
        return None
    profile = profile or {}
    did, rkey = event["did"], event["commit"]["rkey"]
    uri = post_uri(did, rkey)
    handle = profile.get("handle") or did
    text = "\n".join([expanded_text(record), *_embed_notes(record)]).strip()
    reply = record.get("reply") or {}
    return {
        "platform": PLATFORM,
        "external_id": uri,
        "text": text,
        "author": {
            "handle": handle,
            "followers": int(profile.get("followersCount") or 0),
            "name": profile.get("displayName") or "",
            "verified": bool((profile.get("verification") or {}).get("verifiedStatus") == "valid"),
            "bio": profile.get("description") or "",
        },
        # The record's createdAt is set by the client and cannot be trusted; time_us is the
        # relay's clock.
        "created_at": _iso_from_time_us(event["time_us"]),
        "url": web_url(uri, handle if handle != did else ""),
        "lang": (record.get("langs") or [""])[0],
        "reshares": 0,
        "replies": 0,
        "in_reply_to": (reply.get("parent") or {}).get("uri", ""),
    }


def tid(now_us: int | None = None, clock_id: int = 0) -> str:
    """A record key in the TID format: sortable base32 of microseconds and a clock id. Fixed
    before the first attempt, so a retried createRecord cannot post twice."""
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    value = ((now_us or time.time_ns() // 1000) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(alphabet[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def reply_facets(text: str, mentions: dict[str, str]) -> list[dict[str, Any]]:
    """Facets for @handle mentions (handle -> did) and bare links, in UTF-8 byte offsets."""
    data = text.encode("utf-8")
    facets = []
    for handle, did in mentions.items():
        needle = f"@{handle}".encode()
        start = data.find(needle)
        if start >= 0:
            facets.append(
                {
                    "index": {"byteStart": start, "byteEnd": start + len(needle)},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                }
            )
    for match in _URL.finditer(data):
        facets.append(
            {
                "index": {"byteStart": match.start(), "byteEnd": match.end()},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group().decode()}],
            }
        )
    return sorted(facets, key=lambda f: f["index"]["byteStart"])


# --- the connector --------------------------------------------------------------
class BlueskyConnector:
    platform = PLATFORM

    def __init__(
        self,
        *,
        handle: str,
        app_password: str,
        service_url: str = "",
        appview_url: str = "",
        jetstream_url: str = "",
        own_did: str = "",
        keywords: Iterable[str] = (),
        password_url: str = "",
        client: httpx.Client | None = None,
    ):
        """password_url: the PDS the app password belongs to (BLUESKY_SERVICE); the password
        and the session's tokens go to that host only. Defaults to service_url."""
        self.handle = handle.lstrip("@")
        self._app_password = app_password
        self.service_url = (service_url or os.environ.get("BLUESKY_SERVICE") or DEFAULT_SERVICE).rstrip("/")
        self.appview_url = (appview_url or os.environ.get("BLUESKY_APPVIEW") or DEFAULT_APPVIEW).rstrip("/")
        self.jetstream_url = jetstream_url or os.environ.get("BLUESKY_JETSTREAM") or DEFAULT_JETSTREAM
        words = [k.lower() for k in keywords]
        self.watch_dids = {w for w in words if w.startswith("did:")} | ({own_did} if own_did else set())
        self.keywords = [w for w in words if not w.startswith("did:")] + [f"@{self.handle.lower()}"]
        bound = http.hosts_of(password_url or self.service_url)
        self.client = client or http.guarded_client(credential_hosts=bound)
        self._session: dict[str, Any] | None = None

    # --- inbound ----------------------------------------------------------------
    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        events = payload if isinstance(payload, list) else [payload]
        mentions = []
        for event in events:
            mention = event_to_mention(event, self.profiles([event.get("did", "")]).get(event.get("did", "")))
            if mention:
                mentions.append(mention)
        return mentions

    def matches(self, event: dict[str, Any]) -> bool:
        """A post that mentions, replies to or quotes one of our DIDs, or says a keyword."""
        record = created_post(event)
        if record is None:
            return False
        if mentioned_dids(record) & self.watch_dids:
            return True
        refs = [((record.get("reply") or {}).get(k) or {}).get("uri", "") for k in ("parent", "root")] + [
            ((record.get("embed") or {}).get("record") or {}).get("uri", "")
        ]
        if any(ref.startswith(f"at://{did}/") for ref in refs for did in self.watch_dids):
            return True
        text = expanded_text(record).lower()
        return any(word in text for word in self.keywords)

    def profiles(self, dids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Profiles by DID, from the cache or app.bsky.actor.getProfiles (25 at a time). A
        failed look-up leaves the DID out: the mention still goes in, with 0 followers."""
        wanted = sorted({d for d in dids if d})
        found = {did: p for did in wanted if (p := cache.get(f"bsky:profile:{did}")) is not None}
        missing = [d for d in wanted if d not in found]
        for start in range(0, len(missing), 25):
            chunk = missing[start : start + 25]
            try:
                response = http.request(
                    self.client,
                    "GET",
                    f"{self.appview_url}/xrpc/app.bsky.actor.getProfiles",
                    params=[("actors", d) for d in chunk],
                )
            except OutboundError as exc:
                health.record_error(PLATFORM, f"profile look-up: {exc}")
                continue
            for profile in response.json().get("profiles", []):
                slim = {
                    k: profile.get(k)
                    for k in ("did", "handle", "displayName", "description", "followersCount", "verification")
                }
                cache.set(f"bsky:profile:{profile['did']}", slim, PROFILE_TTL)
                found[profile["did"]] = slim
        return found

    # --- outbound ---------------------------------------------------------------
    def session(self, *, fresh: bool = False) -> dict[str, Any]:
        if self._session is None or fresh:
            self._session = http.with_retries(
                lambda: http.request(
                    self.client,
                    "POST",
                    f"{self.service_url}/xrpc/com.atproto.server.createSession",
                    json={"identifier": self.handle, "password": self._app_password},
                    extensions={"credentials": True},
                ).json()
            )
        return self._session

    def _xrpc(self, method: str, nsid: str, **kwargs: Any) -> dict[str, Any]:
        """An authenticated call to our PDS; an expired session is renewed once."""
        for attempt in range(2):
            token = self.session(fresh=attempt > 0)["accessJwt"]
            try:
                return http.request(
                    self.client,
                    method,
                    f"{self.service_url}/xrpc/{nsid}",
                    headers={"Authorization": f"Bearer {token}"},
                    **kwargs,
                ).json()
            except OutboundError as exc:
                if attempt == 0 and "ExpiredToken" in str(exc):
                    continue
                raise
        raise AssertionError("unreachable")

    def _create_post(self, record: dict[str, Any]) -> str:
        if len(record["text"]) > MAX_POST_CHARS:
            raise OutboundError(f"a Bluesky post holds at most {MAX_POST_CHARS} characters")
        body = {"repo": self.session()["did"], "collection": POST, "rkey": tid(), "record": record}
        created = http.with_retries(lambda: self._xrpc("POST", "com.atproto.repo.createRecord", json=body))
        return created["uri"]

    def _now(self) -> str:
        return datetime.now(UTC).isoformat().replace("+00:00", "Z")

    def publish(self, *, account_handle: str, text: str) -> str:
        record = {"$type": POST, "text": text, "createdAt": self._now(), "facets": reply_facets(text, {})}
        return self._create_post(record)

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        """Reply refs: parent = the post answered, root = its thread's root (itself if it
        starts the thread), both uri + cid as getPosts reports them."""
        posts = http.with_retries(
            lambda: self._xrpc("GET", "app.bsky.feed.getPosts", params={"uris": in_reply_to})
        ).get("posts", [])
        if not posts:
            raise OutboundError(f"the post {in_reply_to} is gone or not visible")
        post = posts[0]
        parent = {"uri": post["uri"], "cid": post["cid"]}
        root = ((post.get("record") or {}).get("reply") or {}).get("root") or parent
        handle = post["author"]["handle"]
        body = text if f"@{handle}".lower() in text.lower() else f"@{handle} {text}"
        record = {
            "$type": POST,
            "text": body,
            "createdAt": self._now(),
            "reply": {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent},
            "facets": reply_facets(body, {handle: post["author"]["did"]}),
        }
        return self._create_post(record)

    def pause_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Bluesky has no ad campaigns")

    def resume_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Bluesky has no ad campaigns")

    def pause_scheduled(self, *, external_id: str) -> None:
        raise OutboundError("Bluesky has no scheduled posts; ours are held by our own publisher")

    def resume_scheduled(self, *, external_id: str) -> None:
        raise OutboundError("Bluesky has no scheduled posts; ours are held by our own publisher")
