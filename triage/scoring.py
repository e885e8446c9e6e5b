"""Pure, explainable scoring: every score comes with the reasons that add up to it.

No database here: ingest passes in what it knows (the watchlist's verdict on the
author, the brand's own handles), so the rules can be table-tested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from . import lexicons, sentiment
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
    # The active scenario's words per topic for this post's language (keywords_for()).
    topic_keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # -1..+1 (triage.sentiment); None means "compute it from the text".
    sentiment: float | None = None


@dataclass(frozen=True)
class ScoreItem:
    """One reason for points: a code and its parameters, rendered in the reader's language by
    triage.reasons at display time (never stored as prose)."""

    factor: str
    points: int
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


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
        return [
            {"factor": i.factor, "points": i.points, "code": i.code, "params": dict(i.params)}
            for i in self.items
        ]


# VADER's own thresholds: -0.05 and below reads as negative.
NEGATIVE_SENTIMENT = -0.05
STRONGLY_NEGATIVE = -0.5
# The order decides a post that names two: a refund question about a cancelled train is a refund.
TOPIC_ORDER: tuple[Topic, ...] = (
    Topic.REFUND,
    Topic.COMPENSATION,
    Topic.REBOOKING,
    Topic.CANCELLATION,
    Topic.SCHEDULE,
    Topic.COMPLAINT,
    Topic.PRAISE,
)
PRACTICAL_TOPICS = {Topic.REFUND, Topic.COMPENSATION, Topic.REBOOKING, Topic.CANCELLATION, Topic.SCHEDULE}
EXPERT_TOPICS = {Topic.REFUND, Topic.COMPENSATION, Topic.REBOOKING}
EXPERT_AUTHORS = {AuthorKind.JOURNALIST, AuthorKind.NEWS_MEDIA, AuthorKind.PUBLIC_BODY}
AUTHOR_POINTS = {
    AuthorKind.JOURNALIST: 25,
    AuthorKind.NEWS_MEDIA: 30,
    AuthorKind.PUBLIC_BODY: 30,
}
SAFETY_POINTS = 30
# A safety report is P1 or P2 whoever posts it: one from an account nobody follows is lifted to P2.
SAFETY_FLOOR = Band.P2


def _profile_languages(signals: MentionSignals) -> tuple[str, ...]:
    # A profile is often in another language than the post (a Paris newsroom posting in English).
    return lexicons.languages_for("", f"{signals.handle} {signals.name} {signals.bio}")


def author_kind(signals: MentionSignals, rules: ScoringRules) -> tuple[AuthorKind, ScoreItem | None]:
    """The author's kind and why: the watchlist wins, then profile signals (any language)."""
    if signals.watchlist_kind:
        kind = AuthorKind(signals.watchlist_kind)
        return kind, ScoreItem("author", AUTHOR_POINTS.get(kind, 0), "author.watchlist", {"kind": kind.value})
    langs = _profile_languages(signals)
    name = lexicons.normalise(f"{signals.handle} {signals.name}")
    bio = lexicons.normalise(signals.bio)
    profile = lexicons.normalise(f"{signals.name} {signals.bio}")
    checks = (
        (AuthorKind.PUBLIC_BODY, "public_body", profile),
        (AuthorKind.NEWS_MEDIA, "news_name", name),
        (AuthorKind.NEWS_MEDIA, "news_bio", bio),
        (AuthorKind.JOURNALIST, "journalist", profile),
    )
    for kind, category, text in checks:
        if found := lexicons.find(category, text, langs):
            params = {"kind": kind.value, "term": found.term}
            return kind, ScoreItem("author", AUTHOR_POINTS[kind], "author.profile", params)
    if signals.followers >= rules.influencer_followers:
        return AuthorKind.INFLUENCER, None
    return AuthorKind.PERSON, None


def _scenario_topic(
    text: lexicons.Normalised, keywords: Mapping[str, tuple[str, ...]]
) -> tuple[Topic, str] | None:
    for topic, words in keywords.items():
        if topic not in Topic.values:
            continue
        if term := lexicons.search_terms(tuple(words), text):
            return Topic(topic), term
    return None


def _builtin_topic(
    text: lexicons.Normalised, langs: tuple[str, ...], sentiment_score: float
) -> tuple[Topic, str]:
    if found := lexicons.find("safety", text, langs):
        return Topic.SAFETY, found.term
    for topic in TOPIC_ORDER:
        if found := lexicons.find(f"topic:{topic.value}", text, langs):
            return topic, found.term
    if sentiment_score <= STRONGLY_NEGATIVE:
        return Topic.COMPLAINT, ""
    return Topic.OTHER, ""


def classify_topic(
    text: str,
    keywords: Mapping[str, tuple[str, ...]] | None = None,
    sentiment_score: float = 0.0,
    lang: str = "",
) -> Topic:
    """The scenario's keywords first (they know this crisis), then the built-in words."""
    norm = lexicons.normalise(text)
    if keywords and (found := _scenario_topic(norm, keywords)):
        return found[0]
    return _builtin_topic(norm, lexicons.languages_for(lang, text), sentiment_score)[0]


def _reach(signals: MentionSignals, rules: ScoringRules) -> list[ScoreItem]:
    items = []
    if signals.followers >= rules.influencer_followers:
        orders = math.log10(signals.followers / rules.influencer_followers)
        points = min(45, 25 + round(10 * orders))
        items.append(ScoreItem("reach", points, "reach.influencer", {"followers": signals.followers}))
    elif signals.followers >= 100:
        items.append(ScoreItem("reach", 5, "reach.followers", {"followers": signals.followers}))
    if signals.verified:
        items.append(ScoreItem("reach", 10, "reach.verified"))
    return items


def _amplification(signals: MentionSignals) -> list[ScoreItem]:
    items = []
    if signals.reshares:
        points = min(25, round(8 * math.log2(1 + signals.reshares)))
        items.append(
            ScoreItem("amplification", points, "amplification.reshares", {"count": signals.reshares})
        )
    if signals.quotes:
        # A quote carries the author's own words to their followers: worth more than a reshare.
        points = min(20, round(10 * math.log2(1 + signals.quotes)))
        items.append(ScoreItem("amplification", points, "amplification.quotes", {"count": signals.quotes}))
    if signals.replies:
        points = min(10, round(4 * math.log2(1 + signals.replies)))
        items.append(ScoreItem("amplification", points, "amplification.replies", {"count": signals.replies}))
    interactions = signals.reshares + signals.quotes + signals.replies
    # Five minutes at least: a post seconds old with three replies is not yet a trend.
    per_minute = interactions / max(signals.age_minutes, 5.0)
    if interactions >= 10 and per_minute >= 2:
        points = min(20, round(6 * math.log2(1 + per_minute)))
        items.append(
            ScoreItem("amplification", points, "amplification.spreading", {"per_minute": round(per_minute)})
        )
    return items


def _sentiment(score: float, lang: str) -> list[ScoreItem]:
    params = {"sentiment": score, "method": sentiment.method(lang)}
    if score <= STRONGLY_NEGATIVE:
        return [ScoreItem("urgency", 10, "urgency.strongly_negative", params)]
    if score <= NEGATIVE_SENTIMENT:
        return [ScoreItem("urgency", 5, "urgency.negative", params)]
    return []


def _language(signals: MentionSignals, rules: ScoringRules) -> list[ScoreItem]:
    lang = lexicons.primary_language(signals.lang)
    if lang and rules.team_languages and lang not in rules.team_languages:
        team = ", ".join(sorted(rules.team_languages))
        return [ScoreItem("language", 0, "language.other", {"lang": signals.lang, "team": team})]
    return []


def _urgency(signals: MentionSignals, text: lexicons.Normalised, langs: tuple[str, ...]) -> list[ScoreItem]:
    items = []
    if found := lexicons.find("safety", text, langs):
        items.append(ScoreItem("urgency", SAFETY_POINTS, "urgency.safety", {"term": found.term}))
    if lexicons.is_question(text, langs):
        items.append(ScoreItem("urgency", 15, "urgency.question"))
    lowered = text.text
    if any(f"@{handle.casefold()}" in lowered for handle in signals.brand_handles):
        items.append(ScoreItem("urgency", 10, "urgency.direct_mention"))
    return items


def keywords_for(
    by_language: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str
) -> dict[str, tuple[str, ...]]:
    """A scenario's keywords for a post in lang: those for any language ("") and its language's."""
    primary = lexicons.primary_language(lang)
    merged: dict[str, tuple[str, ...]] = {}
    for key in ("", primary) if primary else ("",):
        for topic, words in by_language.get(key, {}).items():
            merged[topic] = merged.get(topic, ()) + tuple(words)
    return merged


def band_for(total: int, rules: ScoringRules) -> Band:
    for band, floor in rules.band_floors:
        if total >= floor:
            return band
    return Band.P4


def _topic(
    signals: MentionSignals, text: lexicons.Normalised, langs: tuple[str, ...], mood: float
) -> tuple[Topic, list[ScoreItem]]:
    scenario = _scenario_topic(text, signals.topic_keywords) if signals.topic_keywords else None
    topic, term = scenario if scenario else _builtin_topic(text, langs, mood)
    items = []
    if topic in PRACTICAL_TOPICS:
        items.append(ScoreItem("topic", 5, "topic.practical", {"topic": topic.value, "term": term}))
    elif term and topic not in (Topic.SAFETY, Topic.OTHER):
        items.append(ScoreItem("topic", 0, "topic.word", {"topic": topic.value, "term": term}))
    if scenario:
        items.append(ScoreItem("topic", 5, "topic.scenario_keyword", {"topic": topic.value, "term": term}))
    return topic, items


def _safety_floor(items: list[ScoreItem], rules: ScoringRules) -> list[ScoreItem]:
    if not any(i.code == "urgency.safety" for i in items):
        return []
    floor = dict(rules.band_floors)[SAFETY_FLOOR]
    total = sum(i.points for i in items)
    if total >= floor:
        return []
    return [ScoreItem("urgency", floor - total, "urgency.safety_floor", {"band": SAFETY_FLOOR.value})]


def score_mention(signals: MentionSignals, rules: ScoringRules | None = None) -> Score:
    rules = rules or ScoringRules()
    text = lexicons.normalise(signals.text)
    langs = lexicons.languages_for(signals.lang, signals.text)
    kind, kind_item = author_kind(signals, rules)
    mood = (
        signals.sentiment if signals.sentiment is not None else sentiment.compound(signals.text, signals.lang)
    )
    items = _reach(signals, rules)
    if kind_item is not None:
        items.append(kind_item)
    items += _amplification(signals)
    items += _urgency(signals, text, langs)
    items += _sentiment(mood, signals.lang)
    topic, topic_items = _topic(signals, text, langs, mood)
    items += topic_items
    items += _language(signals, rules)
    items += _safety_floor(items, rules)
    total = sum(item.points for item in items)
    tier = Tier.EXPERT if topic in EXPERT_TOPICS or kind in EXPERT_AUTHORS else Tier.FIRST_LINE
    return Score(total, band_for(total, rules), topic, tier, kind, mood, tuple(items))


def queue_key_offset(score: int) -> timedelta:
    """How far ahead of its arrival a mention is ranked: one minute per point."""
    return timedelta(minutes=max(score, 0))
