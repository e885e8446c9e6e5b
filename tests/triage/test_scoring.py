import pytest

from triage.models import AuthorKind, Band, Tier, Topic
from triage.scoring import MentionSignals, ScoringRules, score_mention


@pytest.mark.parametrize(
    ("signals", "band", "topic", "kind"),
    [
        # a journalist asking whether anyone is hurt is the top of the queue
        (
            MentionSignals(
                text="Trains stuck at Kingsbridge, is anyone hurt?",
                handle="janedoe",
                followers=48_000,
                watchlist_kind="journalist",
            ),
            Band.P1,
            Topic.SAFETY,
            AuthorKind.JOURNALIST,
        ),
        (
            MentionSignals(
                text="Is anyone hurt?",
                handle="cityNews",
                name="City News",
                followers=1_200_000,
                verified=True,
            ),
            Band.P1,
            Topic.SAFETY,
            AuthorKind.NEWS_MEDIA,
        ),
        (
            MentionSignals(
                text="Road closures near the station",
                handle="aldervale",
                name="Alder Vale Council",
                followers=20_000,
            ),
            Band.P2,
            Topic.OTHER,
            AuthorKind.PUBLIC_BODY,
        ),
        # an ordinary passenger with a practical question
        (
            MentionSignals(text="When will my train run?", handle="bob", followers=1_300),
            Band.P2,
            Topic.SCHEDULE,
            AuthorKind.INFLUENCER,
        ),
        (
            MentionSignals(text="refund??", handle="alice", followers=210),
            Band.P3,
            Topic.REFUND,
            AuthorKind.PERSON,
        ),
        (
            MentionSignals(text="Smoke in coach C", handle="lucas", followers=90),
            Band.P3,
            Topic.SAFETY,
            AuthorKind.PERSON,
        ),
        (
            MentionSignals(text="thanks to the guard today", handle="joan", followers=35),
            Band.P4,
            Topic.PRAISE,
            AuthorKind.PERSON,
        ),
    ],
)
def test_band_topic_and_author_kind(signals, band, topic, kind):
    score = score_mention(signals)
    assert (score.band, score.topic, score.author_kind) == (band, topic, kind)


def test_every_point_is_explained():
    score = score_mention(
        MentionSignals(
            text="Stuck on the train, when will it move? @northlinerail",
            followers=5_000,
            reshares=40,
            brand_handles=frozenset({"northlinerail"}),
        )
    )
    assert score.total == sum(item["points"] for item in score.breakdown())
    reasons = " | ".join(item["reason"] for item in score.breakdown())
    assert "influencer" in reasons and "40 reshares" in reasons
    assert "asks a question" in reasons and "mentions our account directly" in reasons


def test_influencer_threshold_is_configurable():
    signals = MentionSignals(text="hello", followers=600)
    assert score_mention(signals).author_kind == AuthorKind.PERSON
    assert score_mention(signals, ScoringRules(influencer_followers=500)).author_kind == AuthorKind.INFLUENCER


def test_reach_and_reshares_raise_the_score():
    base = score_mention(MentionSignals(text="delays again", followers=50)).total
    assert score_mention(MentionSignals(text="delays again", followers=50_000)).total > base
    assert score_mention(MentionSignals(text="delays again", followers=50, reshares=300)).total > base


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("How do I get a refund?", Tier.EXPERT),
        ("Can I rebook for tomorrow?", Tier.EXPERT),
        ("sorry to hear, any news?", Tier.FIRST_LINE),
    ],
)
def test_complex_questions_go_to_experienced_agents(text, tier):
    assert score_mention(MentionSignals(text=text)).tier == tier


def test_watchlist_wins_over_profile_signals():
    signals = MentionSignals(text="hi", bio="Reporter at the Times", watchlist_kind="public_body")
    assert score_mention(signals).author_kind == AuthorKind.PUBLIC_BODY
