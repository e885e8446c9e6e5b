"""Reddit: search polling for posts (t3) and new comments (t1) in watched subreddits, replies
via /api/comment. OAuth2 "script" app: a token from the app id and secret plus the account's
username and password, all from the environment."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import httpx

from core import http
from social import health

from .base import OutboundError, parse_or_report

logger = logging.getLogger(__name__)

PLATFORM = "reddit"
AUTH_URL = "https://www.reddit.com"
API_URL = "https://oauth.reddit.com"
WEB_URL = "https://www.reddit.com"
DEFAULT_USER_AGENT = "server:crisiscenter:1.0 (by /u/{username})"
_RATELIMIT_MINUTES = re.compile(r"(\d+)\s*minute")


def _iso(created_utc: float) -> str:
    return datetime.fromtimestamp(float(created_utc), tz=UTC).isoformat()


def thing_to_mention(kind: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """A t3 (post) or t1 (comment) as a mention; other kinds are not mentions."""
    if kind == "t3":
        text = "\n\n".join(part for part in (data.get("title", ""), data.get("selftext", "")) if part)
        replies, in_reply_to = int(data.get("num_comments") or 0), ""
        reshares = int(data.get("num_crossposts") or 0)
    elif kind == "t1":
        text, replies, reshares = data.get("body", ""), 0, 0
        in_reply_to = data.get("parent_id") or ""
    else:
        return None
    permalink = data.get("permalink") or ""
    return {
        "platform": PLATFORM,
        "external_id": data.get("name") or f"{kind}_{data['id']}",
        "text": text,
        # Listings carry no follower counts; Reddit reach shows in the post's own score
        # and comments instead.
        "author": {"handle": data.get("author") or "[deleted]", "followers": 0},
        "created_at": _iso(data["created_utc"]),
        "url": f"{WEB_URL}{permalink}" if permalink.startswith("/") else (data.get("url") or ""),
        "lang": "",
        "reshares": reshares,
        "replies": replies,
        "in_reply_to": in_reply_to,
    }


def things(payload: Any) -> list[tuple[str, dict[str, Any]]]:
    """(kind, data) of every child of a Listing, or of a list of Listings."""
    if isinstance(payload, list):
        return [thing for listing in payload for thing in things(listing)]
    if not isinstance(payload, dict) or payload.get("kind") != "Listing":
        return []
    children = (payload.get("data") or {}).get("children") or []
    return [(c.get("kind", ""), c.get("data") or {}) for c in children if isinstance(c, dict)]


def normalise(payload: Any) -> list[dict[str, Any]]:
    return [
        m
        for kind, data in things(payload)
        if (m := parse_or_report(PLATFORM, lambda d, k=kind: thing_to_mention(k, d), data, None))
    ]


class RedditConnector:
    platform = PLATFORM

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        keywords: Iterable[str] = (),
        subreddits: Iterable[str] = (),
        auth_url: str = "",
        api_url: str = "",
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self._client_id, self._client_secret = client_id, client_secret
        self.username, self._password = username, password
        self.keywords = [k for k in keywords if k]
        self.subreddits = [s.removeprefix("r/") for s in subreddits if s]
        self.auth_url = (auth_url or os.environ.get("REDDIT_AUTH_URL") or AUTH_URL).rstrip("/")
        self.api_url = (api_url or os.environ.get("REDDIT_API_URL") or API_URL).rstrip("/")
        # Reddit asks every client for a unique, descriptive User-Agent naming its author.
        self.user_agent = os.environ.get("REDDIT_USER_AGENT") or DEFAULT_USER_AGENT.format(username=username)
        # The app's secret and the user's password go to Reddit's two hosts only.
        bound = http.hosts_of(self.auth_url, self.api_url)
        self.client = client or http.guarded_client(credential_hosts=bound)
        self.clock = clock
        self._token: tuple[str, float] | None = None
        self.blocked_until = 0.0

    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        return normalise(payload)

    # --- auth and calls -----------------------------------------------------------
    def token(self, *, fresh: bool = False) -> str:
        if self._token and not fresh and self._token[1] > self.clock():
            return self._token[0]
        response = http.request(
            self.client,
            "POST",
            f"{self.auth_url}/api/v1/access_token",
            auth=(self._client_id, self._client_secret),
            data={"grant_type": "password", "username": self.username, "password": self._password},
            headers={"User-Agent": self.user_agent},
        ).json()
        if "access_token" not in response:
            raise OutboundError(f"Reddit refused the credentials: {response.get('error', response)}")
        self._token = (response["access_token"], self.clock() + int(response.get("expires_in", 3600)) - 60)
        return self._token[0]

    def _note_rate_limit(self, response: httpx.Response) -> None:
        """x-ratelimit-remaining is a float string, x-ratelimit-reset seconds until the window
        resets: at zero remaining, no call goes out until the reset."""
        try:
            remaining = float(response.headers.get("x-ratelimit-remaining", "1"))
            reset = float(response.headers.get("x-ratelimit-reset", "0"))
        except ValueError:
            return
        if remaining < 1:
            self.blocked_until = self.clock() + reset
            health.record_rate_limit(PLATFORM, retry_after=reset)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        wait = self.blocked_until - self.clock()
        if wait > 0:
            raise OutboundError("Reddit rate limit reached", transient=True, retry_after=wait)
        for attempt in range(2):
            headers = {
                "Authorization": f"bearer {self.token(fresh=attempt > 0)}",
                "User-Agent": self.user_agent,
            }
            try:
                response = http.request(self.client, method, self.api_url + path, headers=headers, **kwargs)
            except OutboundError as exc:
                if attempt == 0 and str(exc).startswith("HTTP 401"):
                    continue  # the token expired early: one fresh token, one more try
                if exc.transient and exc.retry_after:
                    self.blocked_until = self.clock() + exc.retry_after
                raise
            self._note_rate_limit(response)
            return response
        raise AssertionError("unreachable")

    # --- polling ----------------------------------------------------------------------
    def search_posts(self) -> list[dict[str, Any]]:
        if not self.keywords:
            return []
        query = " OR ".join(f'"{k}"' if " " in k else k for k in self.keywords)
        params = {"q": query, "sort": "new", "type": "link", "limit": "100", "raw_json": "1"}
        return normalise(self.call("GET", "/search", params=params).json())

    def new_comments(self) -> list[dict[str, Any]]:
        """New comments in the watched subreddits that say a keyword (Reddit's API has no
        comment search)."""
        if not self.subreddits:
            return []
        path = f"/r/{'+'.join(self.subreddits)}/comments"
        found = normalise(self.call("GET", path, params={"limit": "100", "raw_json": "1"}).json())
        words = [k.lower() for k in self.keywords]
        return [m for m in found if not words or any(w in m["text"].lower() for w in words)]

    def username_mentions(self) -> list[dict[str, Any]]:
        """Comments that name u/<our account> (Reddit's own mention inbox; read-only here,
        nothing is marked read)."""
        return normalise(
            self.call("GET", "/message/mentions", params={"limit": "100", "raw_json": "1"}).json()
        )

    # --- outbound ---------------------------------------------------------------------
    def _post_json(self, path: str, data: dict[str, str]) -> dict[str, Any]:
        body = self.call("POST", path, data={**data, "api_type": "json"}).json().get("json", {})
        errors = body.get("errors") or []
        if errors:
            code, message = errors[0][0], errors[0][1] if len(errors[0]) > 1 else ""
            if code == "RATELIMIT":
                minutes = _RATELIMIT_MINUTES.search(message)
                raise OutboundError(
                    f"Reddit: {message}",
                    transient=True,
                    retry_after=60.0 * int(minutes.group(1)) if minutes else 60.0,
                )
            raise OutboundError(f"Reddit: {code} {message}".strip())
        return body.get("data") or {}

    def reply(self, *, in_reply_to: str, author_handle: str, text: str) -> str:
        data = http.with_retries(
            lambda: self._post_json("/api/comment", {"thing_id": in_reply_to, "text": text})
        )
        return data["things"][0]["data"]["name"]

    def publish(self, *, account_handle: str, text: str) -> str:
        title = text.split("\n", 1)[0][:300]
        data = http.with_retries(
            lambda: self._post_json(
                "/api/submit", {"sr": f"u_{self.username}", "kind": "self", "title": title, "text": text}
            )
        )
        return data.get("name") or data.get("id", "")

    def pause_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Reddit ad campaigns are not connected; pause them in Reddit Ads Manager")

    def resume_campaign(self, *, external_id: str) -> None:
        raise OutboundError("Reddit ad campaigns are not connected; resume them in Reddit Ads Manager")

    def pause_scheduled(self, *, external_id: str) -> None:
        raise OutboundError("Reddit has no scheduled posts through its API")

    def resume_scheduled(self, *, external_id: str) -> None:
        raise OutboundError("Reddit has no scheduled posts through its API")
