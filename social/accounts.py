"""Which accounts and credentials each platform connector uses.

Secrets live only in the environment (social.credentials): the admin shows the variable
NAMES and whether each is set, never a value. Non-secret settings (instance URL, DID,
keywords) live on PlatformAccount rows."""

from __future__ import annotations

from dataclasses import dataclass

from .credentials import configured, env_name
from .models import Platform, PlatformAccount

# The secrets each real connector needs, as social.credentials names (<PLATFORM>_<NAME>).
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    # Not a secret, but the server the token was issued by: the token goes nowhere else.
    Platform.MASTODON: ("access_token", "instance_url"),
    Platform.BLUESKY: ("app_password",),
    Platform.REDDIT: ("client_id", "client_secret", "username", "password"),
    Platform.X: ("bearer_token",),
    Platform.FACEBOOK: ("page_access_token",),
    Platform.INSTAGRAM: ("access_token",),
    Platform.GENERIC: ("webhook_secret",),
}


@dataclass(frozen=True)
class CredentialStatus:
    name: str
    is_set: bool


def credential_names(platform: str) -> list[CredentialStatus]:
    """The environment variables a platform reads, and whether each is set (never the value)."""
    return [
        CredentialStatus(env_name(platform, name), configured(platform, name))
        for name in REQUIRED_SECRETS.get(platform, ())
    ]


def is_configured(platform: str) -> bool:
    names = REQUIRED_SECRETS.get(platform)
    return bool(names) and configured(platform, *names)


def listening_account(platform: str) -> PlatformAccount | None:
    """The organisation's account a connector listens and replies as: the first one added."""
    return PlatformAccount.objects.filter(platform=platform).order_by("pk").first()


def keywords(account: PlatformAccount | None) -> list[str]:
    """Listen keywords, one per line or comma separated, plus the account's own handle."""
    words: list[str] = []
    if account is not None:
        for line in account.listen_keywords.replace(",", "\n").splitlines():
            if line.strip() and line.strip().lower() not in words:
                words.append(line.strip().lower())
    return words
