from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import tokens


class Command(BaseCommand):
    help = (
        "Make a new API token for USERNAME and print its key (shown this once: only its SHA-256 "
        "is stored). With --rotate, the user's other tokens are revoked."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's other tokens.")
        parser.add_argument("--name", default="", help="What uses the token (shown in the admin).")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Expire after this many days (default: never)."
        )

    def handle(self, username: str, rotate: bool, name: str, expires_days: int | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user called {username!r}")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be 1 or more")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        issued = tokens.issue(
            user=user,
            name=name or f"issue_token {timezone.now():%Y-%m-%d}",
            expires_at=expires_at,
            rotate=rotate,
        )
        self.stderr.write(
            f"created a token for {username}" + (" (its other tokens are revoked)" if rotate else "")
        )
        self.stdout.write(issued.key)
