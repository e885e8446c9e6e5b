"""OAuth 1.0a request signing (HMAC-SHA1, RFC 5849), as the X Ads API and X user-context
calls require. Small enough to own: the signature base string is the whole of it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import urllib.parse
from dataclasses import dataclass


def _enc(value: str) -> str:
    return urllib.parse.quote(str(value), safe="-._~")


@dataclass(frozen=True)
class OAuth1Keys:
    consumer_key: str
    consumer_secret: str
    token: str
    token_secret: str


def signature(method: str, url: str, params: dict[str, str], keys: OAuth1Keys) -> str:
    """The oauth_signature for a request whose query/form/oauth params are `params`."""
    pairs = sorted((_enc(k), _enc(v)) for k, v in params.items())
    normalised = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method.upper(), _enc(url), _enc(normalised)])
    key = f"{_enc(keys.consumer_secret)}&{_enc(keys.token_secret)}"
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def authorization(
    method: str,
    url: str,
    keys: OAuth1Keys,
    *,
    params: dict[str, str] | None = None,
    nonce: str | None = None,
    timestamp: int | None = None,
) -> str:
    """The Authorization header for method + url (without query) + query/form params."""
    oauth = {
        "oauth_consumer_key": keys.consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "oauth_token": keys.token,
        "oauth_version": "1.0",
    }
    oauth["oauth_signature"] = signature(method, url, {**(params or {}), **oauth}, keys)
    return "OAuth " + ", ".join(f'{_enc(k)}="{_enc(v)}"' for k, v in sorted(oauth.items()))
