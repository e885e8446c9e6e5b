"""Precision and recall of triage per language and per class on tests/data/triage_labelled.txt.

Used by tests/test_triage_languages.py (which fails when a figure drops below its recorded
floor) and by scripts/triage_languages.py (which writes docs/triage-languages.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from triage.models import AuthorKind, Band
from triage.scoring import MentionSignals, Score, score_mention

DATA = Path(__file__).parent / "data" / "triage_labelled.txt"
FLOORS = Path(__file__).parent / "data" / "triage_floors.json"
PRESS = {AuthorKind.JOURNALIST, AuthorKind.NEWS_MEDIA, AuthorKind.PUBLIC_BODY}
TOPIC_CLASSES = (
    "safety",
    "refund",
    "compensation",
    "rebooking",
    "cancellation",
    "schedule",
    "complaint",
    "praise",
)
KIND_CLASSES = ("journalist", "news_media", "public_body")


@dataclass(frozen=True)
class Post:
    lang: str
    safety: bool
    topic: str
    kind: str
    floor: Band
    followers: int
    name: str
    bio: str
    text: str


def load(path: Path = DATA) -> list[Post]:
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("|")
        if len(fields) != 9:
            raise ValueError(f"{path.name}:{number}: 9 fields separated by | expected, got {len(fields)}")
        lang, safety, topic, kind, floor, followers, name, bio, text = fields
        posts.append(Post(lang, safety == "1", topic, kind, Band[floor], int(followers), name, bio, text))
    return posts


def score(post: Post) -> Score:
    return score_mention(
        MentionSignals(
            text=post.text,
            handle=post.name.replace(" ", "").lower(),
            name=post.name,
            bio=post.bio,
            followers=post.followers,
            lang=post.lang,
        )
    )


class Counter:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, expected: bool, predicted: bool) -> None:
        self.tp += expected and predicted
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(posts: list[Post]) -> dict[str, dict[str, float]]:
    """{"<lang or all>:<class>": {"precision", "recall"}} and "<lang>:band_floor": {"met"}."""
    counters: dict[str, Counter] = defaultdict(Counter)
    floors: dict[str, list[bool]] = defaultdict(list)
    for post in posts:
        s = score(post)
        kind = s.author_kind if s.author_kind in PRESS else "person"
        expected_kind = post.kind if post.kind in KIND_CLASSES else "person"
        for scope in (post.lang, "all"):
            counters[f"{scope}:safety_report"].add(post.safety, s.topic == "safety")
            for topic in TOPIC_CLASSES:
                counters[f"{scope}:topic:{topic}"].add(post.topic == topic, s.topic == topic)
            # Any topic but "other": right when the named topic is the expected one.
            counters[f"{scope}:topics"].add(post.topic != "other", s.topic != "other")
            for k in KIND_CLASSES:
                counters[f"{scope}:kind:{k}"].add(expected_kind == k, kind == k)
            counters[f"{scope}:press"].add(expected_kind != "person", kind != "person")
            floors[scope].append(s.band <= post.floor and (expected_kind == "person" or s.tier == "expert"))
        # The topics counter above counts "named a topic"; a wrong topic is a false positive.
        if post.topic != "other" and s.topic != "other" and s.topic != post.topic:
            for scope in (post.lang, "all"):
                counters[f"{scope}:topics"].tp -= 1
                counters[f"{scope}:topics"].fp += 1
                counters[f"{scope}:topics"].fn += 1
    figures = {
        key: {"precision": round(c.precision, 3), "recall": round(c.recall, 3)} for key, c in counters.items()
    }
    for scope, met in floors.items():
        figures[f"{scope}:band_floor"] = {"met": round(sum(met) / len(met), 3)}
    return figures


def recorded_floors() -> dict[str, dict[str, float]]:
    return json.loads(FLOORS.read_text(encoding="utf-8"))
