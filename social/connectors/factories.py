"""Build each real connector from its PlatformAccount row and secrets in the environment;
None when a secret is missing (the registry then falls back to the demo connector)."""

from __future__ import annotations

import os

from social.accounts import is_configured, keywords, listening_account
from social.credentials import configured, secret

from .bluesky import DEFAULT_SERVICE, BlueskyConnector
from .generic import ListeningToolConnector
from .mastodon import MastodonConnector
from .meta import MetaConnector
from .reddit import RedditConnector
from .x import XConnector


def mastodon():
    if not is_configured("mastodon"):
        return None
    account = listening_account("mastodon")
    # The token was issued by the server in the environment: it goes there only. An instance
    # URL set in the admin for another server makes every call fail, naming both hosts.
    token_url = secret("mastodon", "instance_url")
    return MastodonConnector(
        base_url=(account.instance_url if account else "") or token_url,
        token_url=token_url,
        access_token=secret("mastodon", "access_token"),
        keywords=keywords(account),
        own_acct=account.handle if account else "",
    )


def bluesky():
    if not is_configured("bluesky"):
        return None
    account = listening_account("bluesky")
    handle = (account.handle if account else "") or os.environ.get("BLUESKY_HANDLE", "")
    if not handle:
        return None
    # The app password (and the session it opens) go to the PDS in the environment only.
    service = os.environ.get("BLUESKY_SERVICE", "") or DEFAULT_SERVICE
    return BlueskyConnector(
        handle=handle,
        app_password=secret("bluesky", "app_password"),
        service_url=(account.instance_url if account else "") or service,
        password_url=service,
        own_did=account.account_id if account else "",
        keywords=keywords(account),
    )


def reddit():
    if not is_configured("reddit"):
        return None
    account = listening_account("reddit")
    return RedditConnector(
        client_id=secret("reddit", "client_id"),
        client_secret=secret("reddit", "client_secret"),
        username=secret("reddit", "username"),
        password=secret("reddit", "password"),
        keywords=keywords(account),
        subreddits=[s for s in os.environ.get("REDDIT_SUBREDDITS", "").replace(",", " ").split() if s],
    )


def x():
    return XConnector() if configured("x", "consumer_secret") else None


def meta(platform: str):
    def build():
        return MetaConnector(platform) if configured("meta", "page_access_token") else None

    return build


def generic():
    return ListeningToolConnector()


FACTORIES = {
    "x": x,
    "facebook": meta("facebook"),
    "instagram": meta("instagram"),
    "mastodon": mastodon,
    "bluesky": bluesky,
    "reddit": reddit,
    "generic": generic,
}
