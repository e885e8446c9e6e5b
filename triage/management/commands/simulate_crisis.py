import random
import time

from django.core.management.base import BaseCommand, CommandError

from triage.ingest import IngestError, accept_batch
from triage.simulation import make_mention


class Command(BaseCommand):
    help = "Play a realistic crisis mention stream into the queue, through the same ingest as the API."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rate", type=float, default=2.0, help="Mentions per second on average (default 2)."
        )
        parser.add_argument(
            "--count", type=int, default=0, help="Stop after this many mentions (default: run until Ctrl-C)."
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=60.0,
            help="Story minutes per real second: how fast topics shift from safety to refunds.",
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, rate: float, count: int, speed: float, seed: int | None, **options):
        if rate <= 0:
            raise CommandError("--rate must be above 0")
        rng = random.Random(seed)
        started = time.monotonic()
        sent = batches = 0
        interval = 1.0
        self.stdout.write(
            f"simulating a crisis at ~{rate:g} mentions/s" + (f", {count} in all" if count else "")
        )
        try:
            while not count or sent < count:
                elapsed_minutes = (time.monotonic() - started) * speed / 60
                # Bursts: now and then a reshared post brings five times the volume.
                burst = 5 if rng.random() < 0.05 else 1
                size = max(1, round(rng.expovariate(1 / (rate * interval)) * burst))
                if count:
                    size = min(size, count - sent)
                items = [make_mention(rng, elapsed_minutes) for _ in range(size)]
                try:
                    batch = accept_batch(items, source="simulation")
                except IngestError as exc:  # pragma: no cover - generated data is valid
                    raise CommandError(exc.message) from exc
                sent += size
                batches += 1
                if batches % 10 == 0 or (count and sent >= count):
                    self.stdout.write(f"{sent} mentions in {batches} batches (last batch {batch.pk})")
                if not count or sent < count:
                    time.sleep(interval)
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"done: {sent} mentions in {batches} batches")
