"""The figures the review shows, from triage.reports.figures.crisis_figures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from command import flows
from triage.models import Mention, Reply, ReplyStatus
from triage.reports.figures import crisis_figures

pytestmark = pytest.mark.django_db


def _mention(crisis, n, *, followers=10, arrived, sla_minutes=15):
    return Mention.objects.create(
        crisis=crisis,
        platform="x",
        external_id=str(n),
        text=f"mention {n}",
        created_at=arrived,
        author_handle=f"user{n}",
        author_followers=followers,
        score=10,
        band=3,
        ingested_at=arrived,
        sla_due_at=arrived + timedelta(minutes=sla_minutes),
        queue_key=arrived,
    )


def test_figures_count_answers_reply_times_and_the_sla(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    quick = _mention(crisis, 1, arrived=start, followers=48_000)
    slow = _mention(crisis, 2, arrived=start + timedelta(minutes=5))
    failed_only = _mention(crisis, 3, arrived=start + timedelta(hours=1))
    _mention(None, 4, arrived=start)  # another crisis's mention is not counted
    Reply.objects.create(
        mention=quick, text="sorry", created_at=start + timedelta(minutes=2), status=ReplyStatus.SENT
    )
    Reply.objects.create(
        mention=slow, text="sorry", created_at=start + timedelta(minutes=45), status=ReplyStatus.SENT
    )
    Reply.objects.create(
        mention=failed_only,
        text="x",
        created_at=start + timedelta(hours=1, minutes=1),
        status=ReplyStatus.FAILED,
    )

    figures = crisis_figures(crisis.pk)

    assert (figures.total, figures.answered) == (3, 2)
    assert figures.answered_share == pytest.approx(2 / 3)
    assert figures.reply_seconds_p50 == pytest.approx((120 + 2400) / 2)
    assert figures.sla_met_share == pytest.approx(1 / 3)  # all three are past their SLA; one met it
    # The series runs on, hour by hour, to now: empty hours are shown as such.
    assert [n for _, n in figures.volume_by_hour][:2] == [2, 1]
    assert sum(n for _, n in figures.volume_by_hour) == 3
    assert figures.top_mentions[0] == quick
    assert figures.topics == {"other": 3}


def test_a_crisis_without_mentions_has_empty_figures(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    figures = crisis_figures(crisis.pk)
    assert figures.total == 0 and figures.answered_share == 0.0
    assert figures.reply_seconds_p50 is None and figures.sla_met_share is None
    assert sum(n for _, n in figures.volume_by_hour) == 0
