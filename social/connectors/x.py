"""X: v2 filtered stream and recent search (with user expansions), Account Activity
webhooks (CRC challenge, signed deliveries), replies through POST /2/tweets and ad
campaigns paused through the Ads API.

Parsing follows fixtures/platforms/SOURCES.md: v1.1 ids as id_str, long posts in
extended_tweet.full_text (v1.1) or note_tweet.text (v2), a retweet counts for its
original (the post worth answering), a 200 can carry errors[] beside data.

Rate limits as X documents them (fundamentals/rate-limits): every answer carries
x-rate-limit-limit, x-rate-limit-remaining and x-rate-limit-reset (UTC epoch seconds) for
its endpoint's 15-minute window; a 429 (body `{"errors": [{"code": 88, "message": "Rate limit
exceeded"}]}`, or v2 problem+json) means wait until that reset. So an endpoint whose window is
used up is not called again before its reset: the call fails at once as transient with the
wait, instead of spending retries on certain 429s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings

from core.http import check, guarded_client, hosts_of, request

from .. import credentials, health
from .base import OutboundError
from .oauth1 import OAuth1Keys, authorization

logger = logging.getLogger(__name__)

PLATFORM = "x"
SIGNATURE_HEADER = "x-twitter-webhooks-signature"
TWEET_FIELDS = "author_id,created_at,lang,public_metrics,referenced_tweets,note_tweet,in_reply_to_user_id"
USER_FIELDS = "name,username,public_metrics,verified,verified_type,description"
EXPANSIONS = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"


class RateWindows:
    """When each endpoint's window opens again, learnt from X's own headers and 429s."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self._reset: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, endpoint: str) -> None:
        """Raise a transient OutboundError, without calling X, while the window is used up."""
        with self._lock:
            reset = self._reset.get(endpoint)
        wait = (reset or 0) - self.clock()
        if wait > 0:
            raise OutboundError(
                f"X rate limit for {endpoint} used up; it resets in {wait:.0f} s",
                transient=True,
                retry_after=wait,
            )

    def note(self, endpoint: str, headers: httpx.Headers) -> None:
        """After an answer: a window with no requests left is closed until its reset."""
        remaining, reset = headers.get("x-rate-limit-remaining"), headers.get("x-rate-limit-reset")
        if remaining == "0" and reset and reset.isdigit():
            self.close(endpoint, float(reset))

    def close(self, endpoint: str, until: float) -> None:
        with self._lock:
            self._reset[endpoint] = max(until, self._reset.get(endpoint, 0.0))


# --- webhooks -----------------------------------------------------------------
def _hmac_b64(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


# What X sends as crc_token (base64 or a UUID). None of these characters can open a JSON
# object, so the answer to a challenge is never the signature of a delivery's body.
CRC_TOKEN = re.compile(r"[A-Za-z0-9_\-=+/]{8,128}")


def crc_token_valid(token: str) -> bool:
    return bool(CRC_TOKEN.fullmatch(token))


def crc_response(crc_token: str, consumer_secret: str) -> dict[str, str]:
    """The answer to X's challenge-response check (GET ?crc_token=...), for a token shaped
    like X's only: an HMAC of any text with this key would sign a forged delivery."""
    if not crc_token_valid(crc_token):
        raise ValueError("crc_token is not shaped like X's")
    return {"response_token": "sha256=" + _hmac_b64(consumer_secret, crc_token.encode())}


def signature_valid(body: bytes, header: str | None, consumer_secret: str) -> bool:
    """x-twitter-webhooks-signature is sha256=base64(HMAC-SHA256(consumer secret, raw body))."""
    if not header or not consumer_secret:
        return False
    expected = "sha256=" + _hmac_b64(consumer_secret, body)
    return hmac.compare_digest(expected.encode(), header.strip().encode())


def deleted_ids(payload: Any) -> list[str]:
    """Ids of the posts a tweet_delete_events delivery says were deleted."""
    events = payload.get("tweet_delete_events") if isinstance(payload, dict) else None
    found = []
    for event in events or []:
        status = event.get("status") if isinstance(event, dict) else None
        if isinstance(status, dict) and status.get("id"):
            found.append(str(status["id"]))
    return found


def event_times_ms(payload: Any) -> list[int]:
    """Delivery timestamps X puts in the events (timestamp_ms), to refuse stale replays."""
    times = []
    if isinstance(payload, dict):
        for key in ("tweet_create_events", "tweet_delete_events"):
            for event in payload.get(key) or []:
                value = event.get("timestamp_ms") if isinstance(event, dict) else None
                if isinstance(value, str | int) and str(value).isdigit():
                    times.append(int(value))
    return times


# --- normalising ----------------------------------------------------------------
def _v1_time(value: str) -> str:
    return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC).isoformat()


def _v2_time(value: str | None) -> str:
    if not value:
        return datetime.now(UTC).isoformat()
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).isoformat()


def _lang(value: Any) -> str:
    return value if isinstance(value, str) and value not in ("und", "") else ""


def _from_v1(tweet: dict[str, Any]) -> dict[str, Any] | None:
    if isinstance(tweet.get("retweeted_status"), dict):
        tweet = tweet["retweeted_status"]  # the original is what gets answered
    user = tweet.get("user") or {}
    handle = user.get("screen_name")
    if not handle:
        logger.info("x: post %s has no user object; skipped", tweet.get("id_str"))
        return None
    text = tweet.get("text", "")
    if tweet.get("truncated") and isinstance(tweet.get("extended_tweet"), dict):
        text = tweet["extended_tweet"].get("full_text", text)
    external_id = tweet.get("id_str") or str(tweet.get("id"))
    return {
        "platform": PLATFORM,
        "external_id": external_id,
        "text": text,
        "author": {
            "handle": handle,
            "followers": int(user.get("followers_count") or 0),
            "name": user.get("name") or "",
            "verified": bool(user.get("verified")),
            "bio": user.get("description") or "",
        },
        "created_at": _v1_time(tweet["created_at"]),
        "url": f"https://x.com/{handle}/status/{external_id}",
        "lang": _lang(tweet.get("lang")),
        "reshares": int(tweet.get("retweet_count") or 0) + int(tweet.get("quote_count") or 0),
        "replies": int(tweet.get("reply_count") or 0),
        "in_reply_to": tweet.get("in_reply_to_status_id_str") or "",
    }


def _verified(user: dict[str, Any]) -> bool:
    return bool(user.get("verified")) or user.get("verified_type") not in (None, "", "none")


def _from_v2(tweet: dict[str, Any], users: dict[str, dict], tweets: dict[str, dict]) -> dict[str, Any] | None:
    refs = {ref.get("type"): str(ref.get("id")) for ref in tweet.get("referenced_tweets") or []}
    if "retweeted" in refs:
        original = tweets.get(refs["retweeted"])
        if original is None:
            logger.info("x: repost %s without its original in includes; skipped", tweet.get("id"))
            return None
        return _from_v2(original, users, tweets)
    user = users.get(str(tweet.get("author_id")))
    if not user or not user.get("username"):
        logger.info("x: post %s without its author in includes.users; skipped", tweet.get("id"))
        return None
    note = tweet.get("note_tweet")
    text = note["text"] if isinstance(note, dict) and note.get("text") else tweet.get("text", "")
    metrics = tweet.get("public_metrics") or {}
    followers = (user.get("public_metrics") or {}).get("followers_count") or 0
    return {
        "platform": PLATFORM,
        "external_id": str(tweet["id"]),
        "text": text,
        "author": {
            "handle": user["username"],
            "followers": int(followers),
            "name": user.get("name") or "",
            "verified": _verified(user),
            "bio": user.get("description") or "",
        },
        "created_at": _v2_time(tweet.get("created_at")),
        "url": f"https://x.com/{user['username']}/status/{tweet['id']}",
        "lang": _lang(tweet.get("lang")),
        "reshares": int(metrics.get("retweet_count") or 0) + int(metrics.get("quote_count") or 0),
        "replies": int(metrics.get("reply_count") or 0),
        "in_reply_to": refs.get("replied_to", ""),
    }


def _v2_page(data: list[dict], includes: dict[str, Any]) -> list[dict[str, Any]]:
    users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
    tweets = {str(t.get("id")): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
    return _each(_from_v2, data, users, tweets)


def _each(convert, events: list[Any], *args: Any) -> list[dict[str, Any]]:
    """convert() for every event; one the platform got wrong is set aside with its reason
    (health page) and never costs the rest of its delivery."""
    found = []
    for event in events:
        if not isinstance(event, dict):
            continue
        try:
            mention = convert(event, *args)
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
            health.set_aside(PLATFORM, source="x", reason=f"{type(exc).__name__}: {exc}", item=event)
            continue
        if mention:
            found.append(mention)
    return found


def _unique(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        seen.setdefault(mention["external_id"], mention)
    return list(seen.values())


def normalise(payload: Any) -> list[dict[str, Any]]:
    """Mentions in any X payload this product receives; [] for events that carry none."""
    if not isinstance(payload, dict):
        raise ValueError("an X payload is a JSON object")
    if "tweet_create_events" in payload:
        own = str(payload.get("for_user_id", ""))
        events = payload["tweet_create_events"]
        if not isinstance(events, list):
            raise ValueError("tweet_create_events must be a list")

        def own_post(event: Any) -> bool:
            user = event.get("user") if isinstance(event, dict) else None
            return bool(own) and isinstance(user, dict) and user.get("id_str") == own

        return _unique(_each(_from_v1, [e for e in events if not own_post(e)]))
    if "id_str" in payload and "created_at" in payload:
        return _each(_from_v1, [payload])
    data = payload.get("data")
    if isinstance(data, dict) and "event_type" in data:  # X Activity API envelope
        if not data["event_type"].startswith("post."):
            return []
        return _unique(_v2_page([data["payload"]], data.get("includes") or {}))
    if isinstance(data, dict):  # one filtered-stream event
        return _unique(_v2_page([data], payload.get("includes") or {}))
    if isinstance(data, list):  # a page of recent search / lookup
        return _unique(_v2_page(data, payload.get("includes") or {}))
    return []


def partial_errors(payload: Any) -> list[str]:
    """The errors[] a 200 can carry beside data (a deleted or hidden post): logged, not fatal."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list | dict):
        return []
    return [
        f"{e.get('title', '')}: {e.get('detail', '')}".strip(": ")
        for e in payload.get("errors") or []
        if isinstance(e, dict)
    ]


# --- the connector ----------------------------------------------------------------
class XConnector:
    platform = PLATFORM

    def __init__(self, client: httpx.Client | None = None):
        # The keys go to X's API hosts only (read per call: tests point them elsewhere).
        self.client = client or guarded_client(
            credential_hosts=lambda: hosts_of(settings.X_API_BASE, settings.X_ADS_API_BASE)
        )
        self.windows = RateWindows()

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return normalise(payload)

    # Credentials are read per call so a rotated secret needs no restart.
    def _user_keys(self) -> OAuth1Keys:
        return OAuth1Keys(
            credentials.secret(PLATFORM, "consumer_key"),
            credentials.secret(PLATFORM, "consumer_secret"),
            credentials.secret(PLATFORM, "access_token"),
            credentials.secret(PLATFORM, "access_token_secret"),
        )

    def _limited(self, endpoint: str, call: Callable[[], httpx.Response]) -> httpx.Response:
        """One call to an endpoint, within what X's rate-limit headers allow."""
        self.windows.check(endpoint)
        try:
            response = call()
        except OutboundError as exc:
            if exc.transient and exc.retry_after is not None and "HTTP 429" in str(exc):
                self.windows.close(endpoint, self.windows.clock() + exc.retry_after)
            raise
        self.windows.note(endpoint, response.headers)
        return response

    def _signed(
        self, endpoint: str, method: str, url: str, *, params: dict[str, str] | None = None, **kw
    ) -> httpx.Response:
        def call() -> httpx.Response:
            header = authorization(method, url, self._user_keys(), params=params)
            return request(self.client, method, url, params=params, headers={"Authorization": header}, **kw)

        return self._limited(endpoint, call)

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.secret(PLATFORM, 'bearer_token')}"}

    # outbound ---------------------------------------------------------------------
    def _post(self, body: dict[str, Any]) -> str:
        response = self._signed("POST /2/tweets", "POST", f"{settings.X_API_BASE}/2/tweets", json=body)
        try:
            return str(response.json()["data"]["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise OutboundError(f"X answered without a post id: {response.text[:200]}") from exc

    def publish(self, *, account_handle: str, text: str) -> str:
        return self._post({"text": text})

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        return self._post({"text": text, "reply": {"in_reply_to_tweet_id": in_reply_to}})

    def _campaign_url(self, external_id: str) -> str:
        # "account:campaign", or a bare campaign id under X_ADS_ACCOUNT_ID.
        account, _, campaign = external_id.rpartition(":")
        account = account or credentials.secret(PLATFORM, "ads_account_id")
        base = f"{settings.X_ADS_API_BASE}/{settings.X_ADS_API_VERSION}"
        return f"{base}/accounts/{account}/campaigns/{campaign}"

    def _set_campaign(self, external_id: str, status: str) -> None:
        url = self._campaign_url(external_id)
        response = self._signed("PUT campaigns", "PUT", url, params={"entity_status": status})
        try:
            answered = response.json()["data"].get("entity_status", status)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutboundError(f"X Ads answered without the campaign: {response.text[:200]}") from exc
        if answered != status:
            raise OutboundError(f"X Ads left campaign {external_id} {answered}, not {status}")

    def pause_campaign(self, *, external_id: str) -> None:
        self._set_campaign(external_id, "PAUSED")

    def resume_campaign(self, *, external_id: str) -> None:
        self._set_campaign(external_id, "ACTIVE")

    def pause_scheduled(self, *, external_id: str) -> None:
        raise OutboundError(
            "X has no pause for a natively scheduled post: "
            "delete it in X Ads, or schedule it in Crisis Center"
        )

    def resume_scheduled(self, *, external_id: str) -> None:
        raise OutboundError("X has no pause for a natively scheduled post")

    # inbound ----------------------------------------------------------------------
    def search(self, query: str, *, since_id: str = "", max_pages: int = 5) -> tuple[list[dict], str]:
        """Recent search newer than since_id, newest first: (mentions, newest id seen)."""
        params = {
            "query": query,
            "max_results": "100",
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
            "expansions": EXPANSIONS,
        }
        if since_id:
            params["since_id"] = since_id
        mentions: list[dict[str, Any]] = []
        newest = since_id
        for _ in range(max_pages):
            response = self._limited(
                "GET /2/tweets/search/recent",
                lambda: request(
                    self.client,
                    "GET",
                    f"{settings.X_API_BASE}/2/tweets/search/recent",
                    params=dict(params),
                    headers=self._bearer(),
                ),
            )
            page = response.json()
            for problem in partial_errors(page):
                logger.warning("x search: partial error: %s", problem)
            mentions += normalise(page)
            meta = page.get("meta") or {}
            if meta.get("newest_id") and newest == since_id:
                newest = str(meta["newest_id"])  # the first page holds the newest
            if not meta.get("next_token"):
                break
            params["next_token"] = meta["next_token"]
        return _unique(mentions), newest

    def stream_lines(self) -> Iterator[dict[str, Any] | None]:
        """Events of the filtered stream, as parsed JSON; None for each keep-alive."""
        params = {"tweet.fields": TWEET_FIELDS, "user.fields": USER_FIELDS, "expansions": EXPANSIONS}
        url = f"{settings.X_API_BASE}/2/tweets/search/stream"
        timeout = httpx.Timeout(connect=5.0, read=30.0, write=5.0, pool=5.0)  # X sends keep-alives every 20 s
        try:
            headers = self._bearer()
            with self.client.stream("GET", url, params=params, headers=headers, timeout=timeout) as response:
                if not response.is_success:
                    response.read()
                    check(response)
                for line in response.iter_lines():
                    if not line.strip():
                        yield None  # a keep-alive: lets the reader flush what it holds
                        continue
                    try:
                        yield json.loads(line)
                    except ValueError:
                        logger.warning("x stream: a line that is not JSON, skipped: %r", line[:200])
        except httpx.TransportError as exc:
            raise OutboundError(f"X stream dropped: {exc}", transient=True) from exc
