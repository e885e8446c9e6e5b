"""Where each stream or poll got to, saved after the batch it covers is committed."""

from __future__ import annotations

from .models import StreamCursor


def get_cursor(platform: str, name: str, default: str = "") -> str:
    value = StreamCursor.objects.filter(platform=platform, name=name).values_list("value", flat=True).first()
    return value if value is not None else default


def save_cursor(platform: str, name: str, value: str) -> None:
    StreamCursor.objects.update_or_create(platform=platform, name=name, defaults={"value": str(value)})
