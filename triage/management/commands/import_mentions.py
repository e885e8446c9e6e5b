from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from social.models import Platform
from triage.inbound.csv_import import ImportResult, import_csv, parse_map


class Command(BaseCommand):
    help = (
        "Import a CSV export of mentions (from a listening tool) into the queue, in batches of 500. "
        "Columns are recognised by name; --map names the others."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8; comma, semicolon or tab separated).")
        parser.add_argument(
            "--platform",
            default="",
            choices=[p.value for p in Platform],
            help="Platform for rows without a platform column.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help='Map a column to a mention field, e.g. --map "Tweet Id=external_id". Repeatable.',
        )

    def handle(self, file: str, platform: str, map: list[str], **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            overrides = parse_map(map)
            result = import_csv(
                text,
                platform=platform,
                overrides=overrides,
                source=f"csv:{path.name}",
                on_progress=self.progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"done: {result.rows_read} rows read, {result.accepted} accepted in {result.batches} batches, "
            f"{result.rejected} rejected"
        )
        for row_number, reason in result.problems[:50]:
            self.stdout.write(f"  row {row_number}: {reason}")
        if result.rejected > 50:
            self.stdout.write(f"  ... and {result.rejected - 50} more")

    def progress(self, result: ImportResult) -> None:
        self.stdout.write(
            f"{result.rows_read} rows read, {result.accepted} accepted, {result.rejected} rejected"
        )
