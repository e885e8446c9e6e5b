from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from playbooks.portable import PlaybookError, import_data, load_yaml


class Command(BaseCommand):
    help = "Create or update departments and scenarios (by name) from a playbook YAML file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, write nothing.")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        try:
            report = import_data(load_yaml(text), dry_run=dry_run)
        except PlaybookError as exc:
            raise CommandError(
                f"{file} is not a valid playbook, nothing was imported:\n  " + "\n  ".join(exc.errors)
            ) from exc
        for line in report.lines:
            self.stdout.write(f"{'would have ' if dry_run else ''}{line}")
        self.stdout.write(
            f"{'dry run, nothing written: ' if dry_run else ''}{report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged"
        )
