"""Read-only questions other apps ask of the hub page."""

from __future__ import annotations

from django.conf import settings


def hub_url(*, lang: str | None = None, anchor: str | None = None) -> str:
    """The public address replies link to: the page (per language) and optionally one FAQ answer."""
    url = f"{settings.PUBLIC_BASE_URL}/hub/"
    if lang:
        url += f"{lang}/"
    if anchor:
        url += f"#{anchor}"
    return url
