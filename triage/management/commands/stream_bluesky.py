from django.core.management.base import BaseCommand, CommandError

from social.accounts import credential_names
from social.connectors import get_connector
from social.connectors.bluesky import BlueskyConnector
from triage.inbound.bluesky_stream import listen
from triage.management.commands._streaming import stop_flag


class Command(BaseCommand):
    help = (
        "Consume Bluesky's Jetstream (posts), keep those that name our keywords or DIDs, and "
        "send them to the queue; the cursor is saved after each stored batch."
    )

    def handle(self, **options):
        connector = get_connector("bluesky")
        if not isinstance(connector, BlueskyConnector):
            missing = ", ".join(c.name for c in credential_names("bluesky") if not c.is_set) or "nothing"
            raise CommandError(
                f"Bluesky is not configured: add the account in the admin and set {missing} (see README)"
            )
        stop = stop_flag()
        self.stdout.write(
            f"bluesky: following {connector.jetstream_url} for {', '.join(connector.keywords)} "
            f"and {', '.join(sorted(connector.watch_dids)) or 'no DIDs'} (Ctrl-C to stop)"
        )
        listen(connector, should_stop=stop.is_set, sleep=lambda s: stop.wait(s), say=self.stdout.write)
        self.stdout.write("bluesky: stopped")
