"""A realistic demo crisis: who writes, in which language, about what, and how much, on a
simulated clock.

The story: a signalling fault strands trains. In the first hours people ask about safety
and schedules, journalists and news accounts pick it up, influential posts get reshared in
bursts; over the following days volume peaks again with practical questions (refunds,
rebookings, compensation), as the playbook warns. Night hours are quiet."""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from .simulation_texts import LANGUAGES, PRESS, STATIONS, TEXTS, TIMES

BRAND = "@northlinerail"
PLATFORMS = {"x": 35, "bluesky": 15, "mastodon": 12, "facebook": 15, "instagram": 8, "reddit": 10}
FIRST = [
    "kate",
    "bob",
    "alice",
    "ravi",
    "joan",
    "lucas",
    "marie",
    "jonas",
    "sanne",
    "lucia",
    "tom",
    "ines",
    "pierre",
    "anke",
    "daan",
    "pablo",
    "emma",
    "noah",
    "sofia",
    "yusuf",
    "mila",
    "finn",
    "lea",
    "omar",
]
LAST = ["m", "travels", "b", "dev", "commutes", "rail", "x", "92", "nl", "es", "fr", "de", "london", "k"]


@dataclass(frozen=True)
class Author:
    handle: str
    name: str
    followers: int
    verified: bool
    bio: str
    lang: str
    kind: str  # person, influencer, journalist, news, public_body


SPECIAL = [
    Author(
        "janedoe",
        "Jane Doe",
        48_200,
        True,
        "Transport journalist at the Kingsbridge Times",
        "en",
        "journalist",
    ),
    Author(
        "pvermeulen",
        "Pieter Vermeulen",
        21_000,
        True,
        "Verslaggever mobiliteit, Dagblad Oost",
        "nl",
        "journalist",
    ),
    Author(
        "c_martin_journo",
        "Claire Martin",
        33_500,
        True,
        "Journaliste transports, Le Quotidien",
        "fr",
        "journalist",
    ),
    Author(
        "kingsbridgetimes",
        "Kingsbridge Times News",
        1_200_000,
        True,
        "Breaking news for Kingsbridge",
        "en",
        "news",
    ),
    Author(
        "bbc_kingsbridge", "Kingsbridge Radio News", 640_000, True, "News, travel and weather", "en", "news"
    ),
    Author(
        "tagesblatt", "Tagesblatt Nachrichten", 310_000, True, "Nachrichten rund um die Uhr", "de", "news"
    ),
    Author("noticias_hoy", "Noticias Hoy", 280_000, True, "Noticias de última hora", "es", "news"),
    Author(
        "alderval_council",
        "Alder Vale Council",
        23_000,
        True,
        "Official account of Alder Vale Council",
        "en",
        "public_body",
    ),
    Author("railwatcher", "Sam Rail", 15_400, False, "Trains, timetables and opinions", "en", "influencer"),
    Author("treinfan", "Treinfan Joost", 8_900, False, "Alles over het spoor", "nl", "influencer"),
    Author("voyage_lea", "Léa en voyage", 52_000, True, "Travel creator", "fr", "influencer"),
    Author("commuter_kate", "Kate", 1_300, False, "Daily Alder Vale commuter", "en", "influencer"),
]


def build_people(rng: random.Random, count: int = 400) -> list[Author]:
    people = []
    langs, weights = list(LANGUAGES), list(LANGUAGES.values())
    for i in range(count):
        first = rng.choice(FIRST)
        followers = int(min(rng.lognormvariate(4.6, 1.3), 9_000))
        people.append(
            Author(
                f"{first}_{rng.choice(LAST)}{i}",
                first.title(),
                followers,
                False,
                "",
                rng.choices(langs, weights)[0],
                "person",
            )
        )
    return people


def volume(hours: float) -> float:
    """How busy the story is at this hour, 1.0 being an ordinary crisis hour: a surge in the
    first hours, a second peak of practical questions around day two, quiet nights."""
    surge = 4.0 * math.exp(-hours / 3) * min(1.0, 0.2 + hours / 0.25)
    aftermath = 2.5 * math.exp(-(((hours - 40) / 18) ** 2))
    hour_of_day = (hours + 8) % 24  # the fault happens at 08:00
    daylight = 0.35 + 0.65 * (0.5 - 0.5 * math.cos(2 * math.pi * (hour_of_day - 3) / 24))
    return (0.25 + surge + aftermath) * daylight


def topic_mix(hours: float) -> dict[str, float]:
    """Safety and schedules first, then cancellations and complaints, then money and tickets."""
    if hours < 2:
        return {"safety": 40, "schedule": 25, "cancellation": 10, "complaint": 10, "refund": 5, "praise": 5}
    if hours < 12:
        return {
            "safety": 8,
            "schedule": 32,
            "cancellation": 18,
            "complaint": 18,
            "refund": 12,
            "rebooking": 7,
            "praise": 5,
        }
    if hours < 48:
        return {
            "schedule": 12,
            "cancellation": 6,
            "refund": 30,
            "rebooking": 22,
            "compensation": 15,
            "complaint": 10,
            "praise": 5,
        }
    return {"refund": 35, "compensation": 28, "rebooking": 15, "complaint": 15, "schedule": 4, "praise": 3}


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _url(platform: str, handle: str, external_id: str) -> str:
    return {
        "x": f"https://x.com/{handle}/status/{external_id}",
        "bluesky": f"https://bsky.app/profile/{handle}.bsky.social/post/{external_id[:13]}",
        "mastodon": f"https://mastodon.social/@{handle}/{external_id}",
        "facebook": f"https://www.facebook.com/{external_id}",
        "instagram": f"https://www.instagram.com/p/{external_id[:11]}/",
        "reddit": f"https://www.reddit.com/r/kingsbridge/comments/{external_id[:7]}/",
    }[platform]


class CrisisStory:
    """Generates the mentions of one story; keep one per run so bursts can follow posts."""

    def __init__(self, rng: random.Random, *, start: datetime | None = None):
        self.rng = rng
        self.start = start or datetime.now(UTC)
        self.people = build_people(rng)
        self.viral: list[dict] = []  # influential posts that draw bursts of replies and quotes
        self.topics: Counter[str] = Counter()

    def _fill(self, text: str) -> str:
        return text.format(brand=BRAND, station=self.rng.choice(STATIONS), time=self.rng.choice(TIMES))

    def _base(self, author: Author, text: str, at: datetime, platform: str | None = None) -> dict:
        platform = platform or self.rng.choices(list(PLATFORMS), weights=list(PLATFORMS.values()))[0]
        external_id = str(uuid.UUID(int=self.rng.getrandbits(128)).int)[:19]
        return {
            "platform": platform,
            "external_id": external_id,
            "text": text,
            "author": {
                "handle": author.handle,
                "name": author.name,
                "followers": author.followers,
                "verified": author.verified,
                "bio": author.bio,
            },
            "created_at": at.isoformat(),
            "url": _url(platform, author.handle, external_id),
            "lang": author.lang,
            "reshares": 0,
            "replies": self.rng.randint(0, 3),
        }

    def mention(self, hours: float, at: datetime) -> dict:
        rng = self.rng
        press_share = 0.08 if hours < 12 else 0.02
        if rng.random() < press_share:
            author = rng.choice([a for a in SPECIAL if a.kind in ("journalist", "news", "public_body")])
            item = self._base(author, self._fill(rng.choice(PRESS.get(author.lang, PRESS["en"]))), at)
            self.topics["press"] += 1
        else:
            mix = topic_mix(hours)
            topic = rng.choices(list(mix), weights=list(mix.values()))[0]
            author = rng.choice(SPECIAL[8:]) if rng.random() < 0.06 else rng.choice(self.people)
            texts = TEXTS[topic].get(author.lang) or TEXTS[topic]["en"]
            item = self._base(author, self._fill(rng.choice(texts)), at)
            self.topics[topic] += 1
        if author.followers >= 1000:
            # Influential posts are reshared, and some draw a burst of replies later.
            item["reshares"] = int(rng.paretovariate(1.2) * author.followers / 400)
            item["replies"] = rng.randint(5, 120)
            if rng.random() < 0.5:
                self.viral = [*self.viral[-4:], item]
        elif rng.random() < 0.3:
            item["reshares"] = int(rng.paretovariate(1.8)) - 1
        return item

    def burst(self, at: datetime) -> list[dict]:
        """A wave of replies and quotes to one influential post, on its own platform."""
        if not self.viral:
            return []
        original = self.rng.choice(self.viral)
        items = []
        for _ in range(self.rng.randint(15, 60)):
            author = self.rng.choice(self.people)
            text = self.rng.choice(
                ["This 👇", "So true.", "Same here!", "Any answer yet?", "+1", "Shocking."]
            )
            item = self._base(author, f"{text} {BRAND}", at, platform=original["platform"])
            item["in_reply_to"] = original["external_id"]
            items.append(item)
        self.topics["burst"] += len(items)
        return items

    def tick(self, hours: float, at: datetime, expected: float) -> list[dict]:
        """The mentions of one step: `expected` at volume 1.0, scaled by the story's volume."""
        items = [self.mention(hours, at) for _ in range(poisson(self.rng, expected * volume(hours)))]
        if self.rng.random() < 0.04 * min(volume(hours), 3):
            items += self.burst(at)
        return items


_DEFAULT: dict[int, CrisisStory] = {}


def make_mention(rng: random.Random, elapsed_minutes: float, now: datetime | None = None) -> dict:
    """One mention of the story at this point (kept for bench/ingest.py and older callers)."""
    story = _DEFAULT.setdefault(id(rng), CrisisStory(rng))
    return story.mention(elapsed_minutes / 60, now or datetime.now(UTC))
