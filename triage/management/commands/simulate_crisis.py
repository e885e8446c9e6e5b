import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from triage.ingest import IngestError, accept_batch
from triage.simulation import CrisisStory, volume


class Command(BaseCommand):
    help = (
        "Play a realistic crisis into the queue through the same ingest as the API: bursts, "
        "influencers, journalists and news accounts, reshares, five languages, and topics that "
        "shift from safety to refunds and rebookings over the story's days (a simulated clock)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rate",
            type=float,
            default=2.0,
            help="Mentions per real second in an ordinary crisis hour (default 2).",
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=60.0,
            help="Story minutes per real second (default 60: an hour a second); 0 plays as fast as it can.",
        )
        parser.add_argument(
            "--days", type=float, default=5.0, help="Story length in days (default 5); then it repeats."
        )
        parser.add_argument("--duration", type=float, default=0, help="Stop after this many real seconds.")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many mentions.")
        parser.add_argument(
            "--start-hour", type=float, default=0.0, help="Start the story this many hours in."
        )
        parser.add_argument(
            "--story-stamps",
            action="store_true",
            help="Date mentions on the story clock, placed so the story ends now (fills reports over days); "
            "by default they are dated when sent.",
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, rate, speed, days, duration, count, start_hour, story_stamps, seed, **options):
        if rate <= 0 or speed < 0 or days <= 0:
            raise CommandError("--rate and --days must be above 0, --speed 0 or more")
        if speed == 0 and not (count or duration):
            raise CommandError("--speed 0 plays as fast as it can: give --count or --duration")
        story = CrisisStory(random.Random(seed))
        real_start, started = datetime.now(UTC), time.monotonic()
        story_origin = real_start - timedelta(days=days)
        step_hours = speed / 60 if speed else 0.25  # story hours per one-second tick
        hours, sent, batches, ticks = start_hour, 0, 0, 0
        recent: Counter[str] = Counter()
        self.stdout.write(
            f"simulating a {days:g}-day crisis at ~{rate:g} mentions/s, {speed:g} story minutes per second"
            + (f", {count} mentions in all" if count else "")
        )
        try:
            while not (count and sent >= count) and not (duration and time.monotonic() - started >= duration):
                stamp = story_origin + timedelta(hours=hours) if story_stamps else datetime.now(UTC)
                before = Counter(story.topics)
                items = story.tick(hours, stamp, expected=rate)
                if count:
                    items = items[: count - sent]
                if items:
                    try:
                        accept_batch(items, source="simulation")
                    except IngestError as exc:  # pragma: no cover - generated data is valid
                        raise CommandError(exc.message) from exc
                    sent, batches = sent + len(items), batches + 1
                recent += story.topics - before
                ticks += 1
                if ticks % 6 == 0:
                    self._progress(hours, sent, batches, recent)
                    recent = Counter()
                hours += step_hours
                if hours >= days * 24:
                    self.stdout.write(f"story over after {days:g} days; it starts again")
                    hours = 0.0
                if speed:
                    time.sleep(max(0.0, started + ticks - time.monotonic()))
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"done: {sent} mentions in {batches} batches")

    def _progress(self, hours: float, sent: int, batches: int, recent: Counter) -> None:
        total = sum(recent.values()) or 1
        top = ", ".join(f"{topic} {n * 100 // total}%" for topic, n in recent.most_common(3))
        day, hour = divmod(hours + 8, 24)  # the fault happens at 08:00 on day 1
        clock = f"{int(hour):02d}:{int(hours * 60 % 60):02d}"
        self.stdout.write(
            f"story day {int(day) + 1} {clock} · volume x{volume(hours):.1f} · "
            f"{sent} mentions in {batches} batches · now mostly {top or 'quiet'}"
        )
