import random
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from triage.ingest import validate_batch
from triage.models import MentionBatch
from triage.simulation import CrisisStory, volume

AT = datetime(2026, 11, 23, 8, tzinfo=UTC)


def topics_during(story: CrisisStory, hours: float, ticks: int = 400) -> Counter:
    before = Counter(story.topics)
    for _ in range(ticks):
        story.mention(hours, AT)
    return story.topics - before


def test_topics_shift_from_safety_to_refunds_and_rebookings_over_the_days():
    story = CrisisStory(random.Random(7))
    first_hour = topics_during(story, 0.5)
    day_three = topics_during(story, 60)
    assert first_hour.most_common(1)[0][0] == "safety"
    assert first_hour["refund"] + first_hour["rebooking"] < first_hour["safety"] / 3
    assert day_three["refund"] + day_three["rebooking"] + day_three["compensation"] > 0.6 * sum(
        day_three.values()
    )
    assert day_three["safety"] == 0


def test_volume_surges_at_the_start_peaks_again_in_the_aftermath_and_sleeps_at_night():
    assert volume(1) > 2 * volume(10)
    assert volume(31) > volume(19)  # day two, mid-afternoon: the practical questions
    assert volume(19) < volume(7)  # 03:00 is quieter than 15:00


def test_stream_has_languages_press_influencers_reshares_and_bursts():
    story = CrisisStory(random.Random(3))
    items = [item for tick in range(300) for item in story.tick(tick * 0.1, AT, expected=3)]
    assert len(validate_batch(items[:1000])) == min(len(items), 1000)
    assert set(Counter(i["lang"] for i in items)) >= {"en", "fr", "de", "nl", "es"}
    handles = {i["author"]["handle"] for i in items}
    assert {"janedoe", "kingsbridgetimes"} & handles
    assert any(i["author"]["followers"] >= 1000 and i["reshares"] > 10 for i in items)
    ids = {i["external_id"] for i in items}
    assert sum(1 for i in items if i.get("in_reply_to") in ids) >= 15  # a burst around one post
    assert len({i["platform"] for i in items}) == 6


@pytest.mark.django_db
def test_simulate_crisis_prints_progress_and_sends_batches_through_ingest():
    out = StringIO()
    call_command(
        "simulate_crisis", "--speed", "0", "--count", "400", "--rate", "4", "--seed", "1", stdout=out
    )
    output = out.getvalue()
    assert "story day 1" in output and "now mostly" in output
    assert output.strip().endswith(f"done: 400 mentions in {MentionBatch.objects.count()} batches")
    assert sum(MentionBatch.objects.values_list("item_count", flat=True)) == 400
