from pathlib import Path

from django.core.management.base import BaseCommand

from playbooks.models import Department, Scenario
from playbooks.portable import export_yaml


class Command(BaseCommand):
    help = "Write every department and scenario to a readable YAML file (stdout by default)."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="File to write; '-' or nothing for stdout.")

    def handle(self, *args, out=None, **options):
        text = export_yaml()
        if not out or out == "-":
            self.stdout.write(text, ending="")
            return
        Path(out).write_text(text, encoding="utf-8")
        self.stderr.write(
            f"exported {Department.objects.count()} departments and {Scenario.objects.count()} "
            f"scenarios to {out}"
        )
