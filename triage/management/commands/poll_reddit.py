import time

from django.core.management.base import BaseCommand, CommandError

from social.accounts import credential_names
from social.connectors import get_connector
from social.connectors.base import OutboundError
from social.connectors.reddit import RedditConnector
from triage.inbound.reddit_poll import poll
from triage.inbound.streams import reconnect_delay


class Command(BaseCommand):
    help = "Poll Reddit search (posts) and watched subreddits (comments) into the queue."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between polls (default 60)."
        )

    def handle(self, once: bool, interval: float, **options):
        connector = get_connector("reddit")
        if not isinstance(connector, RedditConnector):
            missing = ", ".join(c.name for c in credential_names("reddit") if not c.is_set)
            raise CommandError(f"Reddit is not configured: set {missing} (see README)")
        failures = 0
        while True:
            try:
                result = poll(connector)
                failures = 0
                self.stdout.write(
                    f"reddit: {result.found} found, {result.accepted} sent to the queue "
                    f"(cursor {result.cursor:.0f})"
                )
                wait = interval
            except OutboundError as exc:
                failures += 1
                wait = max(interval, reconnect_delay(failures, retry_after=exc.retry_after))
                self.stderr.write(f"reddit: {exc}; next try in {wait:.0f}s")
            if once:
                return
            time.sleep(wait)
