"""Erasure request: anonymise every mention of one author now (docs/operations.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from social.models import Platform
from triage import retention


class Command(BaseCommand):
    help = (
        "Anonymise every mention of one author (text, handle, name, bio, notes, our replies' text) "
        "and drop them from the watchlist. Crisis figures are kept. Cannot be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--platform", required=True, help=f"one of: {', '.join(Platform.values)}")
        parser.add_argument("--handle", required=True, help="the author's handle, with or without @")
        parser.add_argument("--no-input", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, platform: str, handle: str, no_input: bool, **options) -> None:
        if platform not in Platform.values:
            raise CommandError(f"unknown platform {platform!r}: use one of {', '.join(Platform.values)}")
        handle = handle.lstrip("@").strip()
        if not handle:
            raise CommandError("--handle is empty")
        found = len(retention.person_data(platform=platform, handle=handle)["mentions"])
        if not no_input:
            answer = input(
                f"Anonymise {found} mentions of @{handle} on {platform}? This cannot be undone. [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("nothing erased")
        result = retention.erase_person(platform=platform, handle=handle)
        self.stdout.write(
            f"{result.mentions} mentions of @{handle} on {platform} anonymised; "
            f"{result.watchlist} watchlist entries deleted. Old database dumps still hold them until "
            "BACKUP_RETENTION_DAYS has passed."
        )
