"""`python manage.py hub_follow`: keep this node's hub folder at the current page (hubpage.sync).

Run one on every node whose folder nginx serves: it rebuilds the page when it starts (from the
database, or the shared copy in an outage), then writes every change made on any node.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand

from hubpage import services, sync

logger = logging.getLogger("hubpage.sync")


class Command(BaseCommand):
    help = "Keep this node's hub page folder current: rebuild at start, then follow every change."

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        logger.info("hub follower started")
        sync.follow(services.publish, stop)
        logger.info("hub follower stopped")
