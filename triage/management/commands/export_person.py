"""Subject-access request: everything held about one author, as JSON (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from social.models import Platform
from triage import retention


class Command(BaseCommand):
    help = "Print (or write to --output) every mention, note and reply held about one author, as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--platform", required=True, help=f"one of: {', '.join(Platform.values)}")
        parser.add_argument("--handle", required=True, help="the author's handle, with or without @")
        parser.add_argument("--output", help="a file to write instead of standard output")

    def handle(self, *args, platform: str, handle: str, output: str | None, **options) -> None:
        if platform not in Platform.values:
            raise CommandError(f"unknown platform {platform!r}: use one of {', '.join(Platform.values)}")
        if not handle.lstrip("@").strip():
            raise CommandError("--handle is empty")
        data = retention.person_data(platform=platform, handle=handle)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{len(data['mentions'])} mentions written to {output}")
        else:
            self.stdout.write(text)
