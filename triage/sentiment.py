"""Sentiment from VADER (vaderSentiment, which ships its lexicon: nothing is downloaded at runtime).

VADER is tuned for social media text (caps, "!!", emoticons, "not good"). It costs
about 0.2 ms a mention, so identical texts (reshares, copy-paste campaigns) are
scored once per process.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

_analyser: SentimentIntensityAnalyzer | None = None


def _get() -> SentimentIntensityAnalyzer:
    global _analyser
    if _analyser is None:  # reading the lexicon takes ~50 ms: once per process, on first use
        _analyser = SentimentIntensityAnalyzer()
    return _analyser


@lru_cache(maxsize=16_384)
def compound(text: str) -> float:
    """-1 (most negative) .. +1 (most positive); 0 for neutral or empty text."""
    if not text.strip():
        return 0.0
    return round(_get().polarity_scores(text[:2000])["compound"], 3)
