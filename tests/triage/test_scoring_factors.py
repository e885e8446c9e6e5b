"""Table tests for the factors added on top of reach and author kind."""

import pytest

from triage.capacity import Counts, capacity
from triage.models import Band, Topic
from triage.scoring import MentionSignals, ScoringRules, score_mention
from triage.spikes import Window, detect_spike


def reasons(signals, rules=None) -> str:
    return " | ".join(item["reason"] for item in score_mention(signals, rules).breakdown())


@pytest.mark.parametrize(
    ("text", "expect", "points"),
    [
        ("This is unacceptable, worst service ever, I am furious", "strongly negative", 10),
        ("Late again. Not happy.", "negative", 5),
        ("Thanks for the quick update, great job", None, 0),
        ("Platform 3 at 10:15", None, 0),
    ],
)
def test_negative_sentiment_from_vader_adds_urgency(text, expect, points):
    score = score_mention(MentionSignals(text=text))
    mood = [i for i in score.breakdown() if "negative" in i["reason"]]
    assert sum(i["points"] for i in mood) == points
    if expect:
        assert expect in mood[0]["reason"] and score.sentiment < 0
    else:
        assert not mood


@pytest.mark.parametrize(
    ("signals", "expect"),
    [
        (MentionSignals(text="x", quotes=30), "30 quotes"),
        (MentionSignals(text="x", reshares=600, age_minutes=10), "spreading fast: 60 a minute"),
        (MentionSignals(text="x", replies=5, age_minutes=60), None),  # 5 in an hour is not spreading
    ],
)
def test_quotes_and_growth_per_minute_count_as_amplification(signals, expect):
    growth = [r for r in reasons(signals).split(" | ") if "spreading" in r or "quotes" in r]
    assert (growth[0] if growth else None) == expect


def test_fast_growth_outranks_the_same_post_growing_slowly():
    fast = score_mention(MentionSignals(text="trains stopped", reshares=300, age_minutes=5))
    slow = score_mention(MentionSignals(text="trains stopped", reshares=300, age_minutes=600))
    assert fast.total > slow.total


@pytest.mark.parametrize(
    ("text", "keywords", "topic"),
    [
        ("Is the replacement bus running?", {"schedule": ("replacement bus",)}, Topic.SCHEDULE),
        ("Where do I claim my voucher", {"compensation": ("voucher",)}, Topic.COMPENSATION),
        ("Where do I claim my voucher", {"nonsense": ("voucher",)}, Topic.COMPENSATION),  # built-in 'claim'
        ("Lovely weather", {"refund": ("voucher",)}, Topic.OTHER),
    ],
)
def test_scenario_keywords_pick_the_topic_first(text, keywords, topic):
    assert score_mention(MentionSignals(text=text, topic_keywords=keywords)).topic == topic


def test_scenario_keyword_is_named_in_the_breakdown():
    signals = MentionSignals(
        text="Is the replacement bus running?", topic_keywords={"schedule": ("replacement bus",)}
    )
    assert "scenario keyword “replacement bus”" in reasons(signals)


@pytest.mark.parametrize(
    ("lang", "flagged"), [("de", True), ("en", False), ("en-GB", False), ("", False), ("nl", True)]
)
def test_a_language_the_team_does_not_answer_in_is_flagged(lang, flagged):
    text = reasons(
        MentionSignals(text="Zug fällt aus", lang=lang), ScoringRules(team_languages=frozenset({"en"}))
    )
    assert ("the team answers in en" in text) == flagged


@pytest.mark.parametrize(
    ("bio", "name", "kind"),
    [
        ("Political editor, Kingsbridge Times", "", "journalist"),
        ("", "Alder Vale Police", "public_body"),
        ("Official account of the Mayor of Kingsbridge", "", "public_body"),
        ("Breaking news", "Valley News", "news_media"),
        ("Trains and coffee", "Sam", "person"),
    ],
)
def test_profile_signals_in_the_bio_read_as_author_kinds(bio, name, kind):
    assert score_mention(MentionSignals(text="hi", bio=bio, name=name)).author_kind == kind


def test_sla_follows_the_band_from_the_rules():
    rules = ScoringRules()
    score = score_mention(MentionSignals(text="Is anyone hurt? Smoke in coach C", followers=50_000))
    assert score.band == Band.P1 and rules.sla.minutes(Band.P1) == 15


# --- capacity ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("counts", "clear", "more", "keeping_up"),
    [
        # 3 agents handle 3/min, 10/min come in: the backlog only grows; 12 more hands clear it in the hour
        (Counts(inflow=100, handled=30, backlog=300, agents=3, sla_minutes=60), None, 12, False),
        # handled 12/min against 2/min in: 200 waiting clear in 20 min, within the hour
        (Counts(inflow=20, handled=120, backlog=200, agents=4, sla_minutes=60), 20, 0, True),
        # clearing, but too slowly for a 15-minute SLA: one more agent does it
        (Counts(inflow=20, handled=60, backlog=100, agents=2, sla_minutes=15), 25, 1, False),
        # nothing waiting, nothing arriving
        (Counts(inflow=0, handled=0, backlog=0, agents=0), 0, 0, True),
        # nobody has handled anything yet: the pace is unknown
        (Counts(inflow=50, handled=0, backlog=50, agents=2), None, None, False),
    ],
)
def test_capacity_says_when_the_backlog_clears_and_how_many_hands_it_needs(counts, clear, more, keeping_up):
    result = capacity(counts)
    assert (result.clear_minutes, result.more_hands, result.keeping_up) == (clear, more, keeping_up)


# --- spikes ------------------------------------------------------------------------
QUIET = [Window(8, 1), Window(10, 2), Window(12, 1), Window(9, 1)] * 9


@pytest.mark.parametrize(
    ("current", "baseline", "expect"),
    [
        (Window(60, 10), QUIET, "60 mentions in 5 minutes against a usual 9.5"),
        (Window(25, 20), QUIET, "80% negative"),  # not many, but suddenly angry
        (Window(12, 2), QUIET, None),
        (Window(20, 3), [Window(0, 0)] * 36, None),  # fewer than the minimum: no alarm at 3 a.m.
        (Window(40, 5), [], "40 mentions"),  # no history yet
        (Window(60, 10), [Window(50, 8)] * 36, None),  # a busy day is not a spike
    ],
)
def test_spike_against_the_median_of_the_previous_hours(current, baseline, expect):
    spike = detect_spike(current, baseline)
    if expect is None:
        assert spike is None
    else:
        assert spike is not None and expect in spike.message
