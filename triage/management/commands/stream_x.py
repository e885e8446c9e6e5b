import os

from django.core.management.base import BaseCommand, CommandError

from social import credentials
from social.connectors import get_connector
from social.connectors.x import XConnector
from triage.inbound.x_stream import poll_once, run_stream


class Command(BaseCommand):
    help = (
        "Read X's filtered stream into triage (reconnects with backoff, backfills through recent "
        "search after a drop). With --poll, one recent-search pass instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--query", default=os.environ.get("X_SEARCH_QUERY", ""), help="recent search query"
        )
        parser.add_argument("--poll", action="store_true", help="one recent-search pass, then exit")
        parser.add_argument("--max-reconnects", type=int, default=None)

    def handle(self, *args, query: str, poll: bool, max_reconnects: int | None, **options):
        if not credentials.configured("x", "bearer_token", "consumer_secret"):
            raise CommandError("X_BEARER_TOKEN and X_CONSUMER_SECRET must be set (README: Connecting X)")
        if not query:
            raise CommandError("give --query or set X_SEARCH_QUERY (e.g. '@northlinerail OR northline')")
        connector = get_connector("x")
        # Narrows the type; the registry returns it
        assert isinstance(connector, XConnector)  # nosec B101
        if poll:
            self.stdout.write(f"X recent search: {poll_once(connector, query)} mentions accepted")
            return
        self.stdout.write("reading the X filtered stream (Ctrl-C to stop)")
        total = run_stream(connector, query=query, max_reconnects=max_reconnects, say=self.stdout.write)
        self.stdout.write(f"stream ended: {total} mentions accepted")
