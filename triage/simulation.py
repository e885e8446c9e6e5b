"""A realistic demo mention stream: who writes, what about, and how it shifts over time."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

AUTHORS = [
    # handle, name, followers, verified, bio, weight
    ("janedoe", "Jane Doe", 48_200, True, "Transport journalist at the Kingsbridge Times", 1),
    ("kingsbridgetimes", "Kingsbridge Times News", 1_200_000, True, "Breaking news for Kingsbridge", 1),
    ("alderval_council", "Alder Vale Council", 23_000, True, "Official account of Alder Vale Council", 1),
    ("railwatcher", "Sam Rail", 15_400, False, "Trains, timetables and opinions", 2),
    ("commuter_kate", "Kate", 1_300, False, "Daily Alder Vale commuter", 4),
    ("bob_travels", "Bob", 1_050, False, "", 4),
    ("alice_m", "Alice", 210, False, "", 8),
    ("dev_ravi", "Ravi", 480, False, "Software, coffee", 8),
    ("granny_joan", "Joan", 35, False, "", 6),
    ("lucas_b", "Lucas", 90, False, "", 8),
]

PHASES = {
    "safety": [
        "Trains stuck outside Kingsbridge for an hour, is anyone hurt? @northlinerail",
        "Smoke smell in coach C on the 08:14, staff say nothing. Is it safe?",
        "Stuck on a stopped train with a baby and no water. @northlinerail please help",
        "Someone fainted on the platform at Alder Vale, it is packed and dangerous",
        "Is anyone injured? Reports of a train stopped in the tunnel",
    ],
    "schedule": [
        "When will trains run again between Kingsbridge and Alder Vale?",
        "@northlinerail is the 17:30 running or not?",
        "Any idea when the next train to Alder Vale is?",
        "No information at the station at all. Ridiculous.",
        "Timetable says delayed, app says cancelled. Which is it?",
    ],
    "refunds": [
        "How do I get a refund for my cancelled journey yesterday?",
        "Can I claim Delay Repay for a 3 hour delay? @northlinerail",
        "Need to rebook my ticket for tomorrow, how?",
        "Still waiting for my compensation, this is unacceptable",
        "Is my advance ticket valid on another train tomorrow?",
    ],
    "praise": [
        "Thank you to the guard on the 08:14 who kept everyone calm",
        "Well done to the staff at Alder Vale today, amazing under pressure",
    ],
}


def phase_mix(elapsed_minutes: float) -> dict[str, float]:
    """Safety dominates the first hour, schedules the next hours, then refunds take over."""
    if elapsed_minutes < 60:
        return {"safety": 0.5, "schedule": 0.35, "refunds": 0.05, "praise": 0.1}
    if elapsed_minutes < 240:
        return {"safety": 0.1, "schedule": 0.5, "refunds": 0.3, "praise": 0.1}
    return {"safety": 0.02, "schedule": 0.2, "refunds": 0.7, "praise": 0.08}


def make_mention(rng: random.Random, elapsed_minutes: float, now: datetime | None = None) -> dict:
    author = rng.choices(AUTHORS, weights=[a[5] for a in AUTHORS])[0]
    mix = phase_mix(elapsed_minutes)
    phase = rng.choices(list(mix), weights=list(mix.values()))[0]
    text = rng.choice(PHASES[phase])
    platform = rng.choices(["x", "mastodon", "bluesky", "facebook", "instagram"], weights=[5, 2, 2, 2, 1])[0]
    external_id = uuid.UUID(int=rng.getrandbits(128)).hex
    handle, name, followers, verified, bio, _ = author
    return {
        "platform": platform,
        "external_id": external_id,
        "text": text,
        "author": {"handle": handle, "name": name, "followers": followers, "verified": verified, "bio": bio},
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "url": f"https://example.org/{platform}/{handle}/{external_id}",
        "lang": "en",
        "reshares": int(rng.paretovariate(1.5)) - 1 if rng.random() < 0.4 else 0,
        "replies": rng.randint(0, 5),
    }
