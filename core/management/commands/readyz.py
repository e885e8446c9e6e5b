"""`python manage.py readyz`: the checks of GET /readyz, for healthchecks of processes without HTTP."""

from django.core.management.base import BaseCommand, CommandError

from core import health


class Command(BaseCommand):
    help = "Exit 0 when PostgreSQL, Redis and the migrations are ready; else say what is missing."

    def handle(self, *args, **options) -> None:
        problems = health.missing()
        if problems:
            raise CommandError("not ready: " + "; ".join(problems))
        self.stdout.write("ready")
