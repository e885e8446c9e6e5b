"""Pure, explainable scoring: every score comes with the reasons that add up to it.

No database here: ingest passes in what it knows (the watchlist's verdict on the
author, the brand's own handles), so the rules can be table-tested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from . import sentiment
from .models import AuthorKind, Band, Tier, Topic
from .sla import Sla


@dataclass(frozen=True)
class ScoringRules:
    influencer_followers: int = 1000
    band_floors: tuple[tuple[Band, int], ...] = ((Band.P1, 70), (Band.P2, 45), (Band.P3, 20))
    sla: Sla = field(default_factory=Sla)
    # Languages the team answers in; a mention in another one says so in its breakdown.
    team_languages: frozenset[str] = frozenset({"en"})


@dataclass(frozen=True)
class MentionSignals:
    text: str
    handle: str = ""
    name: str = ""
    bio: str = ""
    followers: int = 0
    verified: bool = False
    reshares: int = 0
    replies: int = 0
    quotes: int = 0
    lang: str = ""
    # Minutes between the post and its scoring: reshares per minute measure how fast it spreads.
    age_minutes: float = 0.0
    watchlist_kind: str | None = None
    brand_handles: frozenset[str] = frozenset()
    # The active scenario's extra words per topic (playbooks.selectors.topic_keywords()).
    topic_keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # VADER compound score; None means "compute it from the text".
    sentiment: float | None = None


@dataclass(frozen=True)
class ScoreItem:
    factor: str
    points: int
    reason: str


@dataclass(frozen=True)
class Score:
    total: int
    band: Band
    topic: Topic
    tier: Tier
    author_kind: AuthorKind
    sentiment: float
    items: tuple[ScoreItem, ...]

    def breakdown(self) -> list[dict[str, object]]:
        return [{"factor": i.factor, "points": i.points, "reason": i.reason} for i in self.items]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


SAFETY = _words(
    r"injur",
    r"hurt",
    r"fire\b",
    r"smoke",
    r"unsafe",
    r"danger",
    r"emergenc",
    r"ambulance",
    r"trapped",
    r"stuck",
    r"collaps",
    r"bleed",
    r"crash",
    r"evacuat",
    r"panic",
    r"faint",
    r"medical",
    r"can'?t breathe",
)
NEGATIVE = _words(
    r"angry",
    r"furious",
    r"disgust",
    r"terrible",
    r"worst",
    r"awful",
    r"unacceptable",
    r"shame",
    r"ridiculous",
    r"useless",
    r"never again",
    r"scandal",
    r"appalling",
    r"fed up",
)
# VADER's own thresholds: -0.05 and below reads as negative.
NEGATIVE_SENTIMENT = -0.05
STRONGLY_NEGATIVE = -0.5
QUESTION_START = re.compile(
    r"^\s*(?:@\w+\s+)*(?:when|why|how|what|where|who|is|are|can|could|will|should|do|does|did)\b",
    re.IGNORECASE,
)
TOPIC_WORDS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    (Topic.SAFETY, SAFETY),
    (Topic.REFUND, _words(r"refund", r"money back", r"reimburs")),
    (Topic.COMPENSATION, _words(r"compensat", r"delay repay", r"claim\b")),
    (Topic.REBOOKING, _words(r"re-?book", r"change my ticket", r"another train", r"alternative")),
    (Topic.CANCELLATION, _words(r"cancel")),
    (Topic.SCHEDULE, _words(r"timetable", r"schedule", r"delay", r"running", r"next train", r"when will")),
    (Topic.COMPLAINT, NEGATIVE),
    (Topic.PRAISE, _words(r"thank", r"well done", r"great job", r"amazing", r"appreciate")),
)
PRACTICAL_TOPICS = {Topic.REFUND, Topic.COMPENSATION, Topic.REBOOKING, Topic.CANCELLATION, Topic.SCHEDULE}
EXPERT_TOPICS = {Topic.REFUND, Topic.COMPENSATION, Topic.REBOOKING}
EXPERT_AUTHORS = {AuthorKind.JOURNALIST, AuthorKind.NEWS_MEDIA, AuthorKind.PUBLIC_BODY}

JOURNALIST_SIGNS = _words(r"journalist", r"reporter", r"correspondent", r"editor", r"presenter")
NEWS_SIGNS = _words(r"news", r"newsroom", r"breaking")
PUBLIC_BODY_SIGNS = _words(
    r"council",
    r"police",
    r"ministry",
    r"government",
    r"gov\b",
    r"mayor",
    r"transport for",
    r"authority",
    r"fire service",
    r"ambulance service",
    r"department for",
    r"official account",
)
AUTHOR_POINTS = {
    AuthorKind.JOURNALIST: 25,
    AuthorKind.NEWS_MEDIA: 30,
    AuthorKind.PUBLIC_BODY: 30,
}


def author_kind(signals: MentionSignals, rules: ScoringRules) -> tuple[AuthorKind, str]:
    """The author's kind and why: the watchlist wins, then profile signals."""
    if signals.watchlist_kind:
        return AuthorKind(signals.watchlist_kind), "on the watchlist"
    profile = f"{signals.name} {signals.bio}"
    if PUBLIC_BODY_SIGNS.search(profile):
        return AuthorKind.PUBLIC_BODY, "profile reads as a public body"
    if NEWS_SIGNS.search(f"{signals.handle} {signals.name}"):
        return AuthorKind.NEWS_MEDIA, "name reads as news media"
    if JOURNALIST_SIGNS.search(signals.bio):
        return AuthorKind.JOURNALIST, "bio reads as a journalist"
    if signals.followers >= rules.influencer_followers:
        return AuthorKind.INFLUENCER, f"{rules.influencer_followers:,}+ followers"
    return AuthorKind.PERSON, ""


def _scenario_topic(text: str, keywords: Mapping[str, tuple[str, ...]]) -> tuple[Topic, str] | None:
    lowered = text.lower()
    for topic, words in keywords.items():
        if topic not in Topic.values:
            continue
        for word in words:
            if word and re.search(r"\b" + re.escape(word.lower()), lowered):
                return Topic(topic), word
    return None


def classify_topic(
    text: str, keywords: Mapping[str, tuple[str, ...]] | None = None, sentiment_score: float = 0.0
) -> Topic:
    """The scenario's keywords first (they know this crisis), then the built-in words."""
    if keywords and (found := _scenario_topic(text, keywords)):
        return found[0]
    for topic, pattern in TOPIC_WORDS:
        if pattern.search(text):
            return topic
    if sentiment_score <= STRONGLY_NEGATIVE:
        return Topic.COMPLAINT
    return Topic.OTHER


def _reach(signals: MentionSignals, rules: ScoringRules) -> list[ScoreItem]:
    items = []
    if signals.followers >= rules.influencer_followers:
        orders = math.log10(signals.followers / rules.influencer_followers)
        points = min(45, 25 + round(10 * orders))
        items.append(ScoreItem("reach", points, f"{signals.followers:,} followers: influencer"))
    elif signals.followers >= 100:
        items.append(ScoreItem("reach", 5, f"{signals.followers:,} followers"))
    if signals.verified:
        items.append(ScoreItem("reach", 10, "verified account"))
    return items


def _amplification(signals: MentionSignals) -> list[ScoreItem]:
    items = []
    if signals.reshares:
        points = min(25, round(8 * math.log2(1 + signals.reshares)))
        items.append(ScoreItem("amplification", points, f"{signals.reshares:,} reshares"))
    if signals.quotes:
        # A quote carries the author's own words to their followers: worth more than a reshare.
        points = min(20, round(10 * math.log2(1 + signals.quotes)))
        items.append(ScoreItem("amplification", points, f"{signals.quotes:,} quotes"))
    if signals.replies:
        points = min(10, round(4 * math.log2(1 + signals.replies)))
        items.append(ScoreItem("amplification", points, f"{signals.replies:,} replies"))
    interactions = signals.reshares + signals.quotes + signals.replies
    # Five minutes at least: a post seconds old with three replies is not yet a trend.
    per_minute = interactions / max(signals.age_minutes, 5.0)
    if interactions >= 10 and per_minute >= 2:
        points = min(20, round(6 * math.log2(1 + per_minute)))
        items.append(ScoreItem("amplification", points, f"spreading fast: {per_minute:,.0f} a minute"))
    return items


def _sentiment(score: float) -> list[ScoreItem]:
    if score <= STRONGLY_NEGATIVE:
        return [ScoreItem("urgency", 10, f"strongly negative (sentiment {score:+.2f})")]
    if score <= NEGATIVE_SENTIMENT:
        return [ScoreItem("urgency", 5, f"negative (sentiment {score:+.2f})")]
    return []


def _language(signals: MentionSignals, rules: ScoringRules) -> list[ScoreItem]:
    lang = signals.lang.split("-")[0].lower()
    if lang and rules.team_languages and lang not in rules.team_languages:
        team = ", ".join(sorted(rules.team_languages))
        return [ScoreItem("language", 0, f"written in {lang}; the team answers in {team}")]
    return []


def _urgency(signals: MentionSignals) -> list[ScoreItem]:
    text = signals.text
    items = []
    if match := SAFETY.search(text):
        items.append(ScoreItem("urgency", 30, f"safety: “{match.group(0).lower()}”"))
    if "?" in text or QUESTION_START.search(text):
        items.append(ScoreItem("urgency", 15, "asks a question"))
    lowered = text.lower()
    if any(f"@{handle.lower()}" in lowered for handle in signals.brand_handles):
        items.append(ScoreItem("urgency", 10, "mentions our account directly"))
    return items


def band_for(total: int, rules: ScoringRules) -> Band:
    for band, floor in rules.band_floors:
        if total >= floor:
            return band
    return Band.P4


def _topic(signals: MentionSignals, mood: float) -> tuple[Topic, list[ScoreItem]]:
    scenario = _scenario_topic(signals.text, signals.topic_keywords) if signals.topic_keywords else None
    topic = scenario[0] if scenario else classify_topic(signals.text, sentiment_score=mood)
    items = []
    if topic in PRACTICAL_TOPICS:
        items.append(ScoreItem("topic", 5, f"practical question: {topic.label.lower()}"))
    if scenario:
        items.append(ScoreItem("topic", 5, f"scenario keyword “{scenario[1]}”"))
    return topic, items


def score_mention(signals: MentionSignals, rules: ScoringRules | None = None) -> Score:
    rules = rules or ScoringRules()
    kind, kind_reason = author_kind(signals, rules)
    mood = signals.sentiment if signals.sentiment is not None else sentiment.compound(signals.text)
    items = _reach(signals, rules)
    if kind in AUTHOR_POINTS:
        items.append(ScoreItem("author", AUTHOR_POINTS[kind], f"{kind.label.lower()}: {kind_reason}"))
    items += _amplification(signals)
    items += _urgency(signals)
    items += _sentiment(mood)
    topic, topic_items = _topic(signals, mood)
    items += topic_items
    items += _language(signals, rules)
    total = sum(item.points for item in items)
    tier = Tier.EXPERT if topic in EXPERT_TOPICS or kind in EXPERT_AUTHORS else Tier.FIRST_LINE
    return Score(total, band_for(total, rules), topic, tier, kind, mood, tuple(items))


def queue_key_offset(score: int) -> timedelta:
    """How far ahead of its arrival a mention is ranked: one minute per point."""
    return timedelta(minutes=max(score, 0))
