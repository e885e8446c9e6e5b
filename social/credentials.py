"""Platform secrets come from the environment (or a file named by NAME_FILE, for Docker
secrets) and are never stored in the database or shown back."""

from __future__ import annotations

import os
from pathlib import Path


class MissingCredential(Exception):
    pass


def env_name(platform: str, name: str) -> str:
    return f"{platform.upper()}_{name.upper()}"


def secret(platform: str, name: str, *, required: bool = True) -> str:
    """CC secret for a platform: e.g. secret("x", "bearer_token") reads X_BEARER_TOKEN
    or the file named by X_BEARER_TOKEN_FILE."""
    key = env_name(platform, name)
    value = os.environ.get(key, "")
    file_name = os.environ.get(f"{key}_FILE")
    if not value and file_name:
        value = Path(file_name).read_text().strip()
    if required and not value:
        raise MissingCredential(f"{key} (or {key}_FILE) is not set")
    return value


def configured(platform: str, *names: str) -> bool:
    return all(secret(platform, name, required=False) for name in names)
