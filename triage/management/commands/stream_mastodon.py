from django.core.management.base import BaseCommand, CommandError

from social.accounts import credential_names
from social.connectors import get_connector
from social.connectors.mastodon import MastodonConnector
from triage.inbound.mastodon_stream import listen
from triage.management.commands._streaming import stop_flag


class Command(BaseCommand):
    help = (
        "Follow the Mastodon user stream (mentions and keyword matches) into the queue; "
        "reconnect with backoff and backfill what was missed from the saved ids."
    )

    def handle(self, **options):
        connector = get_connector("mastodon")
        if not isinstance(connector, MastodonConnector):
            missing = ", ".join(c.name for c in credential_names("mastodon") if not c.is_set) or "nothing"
            raise CommandError(
                "Mastodon is not configured: add the account (with its instance URL) in the admin "
                f"and set {missing} (see README)"
            )
        stop = stop_flag()
        self.stdout.write(f"mastodon: listening on {connector.base_url} (Ctrl-C to stop)")
        listen(connector, should_stop=stop.is_set, sleep=lambda s: stop.wait(s), say=self.stdout.write)
        self.stdout.write("mastodon: stopped")
