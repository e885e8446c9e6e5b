"""Sentiment, -1 (most negative) .. +1 (most positive).

English: VADER (vaderSentiment, which ships its lexicon: nothing is downloaded at runtime),
tuned for social media text (caps, "!!", emoticons, "not good"). It costs about 0.2 ms a
mention, so identical texts (reshares, copy-paste campaigns) are scored once per process.

French, German, Spanish, Italian, Portuguese, Dutch, Chinese and Japanese: no maintained,
installable library covers them without downloading a model, so each language's module in
triage/lexicons/ carries a small curated list of negative and positive words and its
negators; the score counts them (a negated word counts the other way) and scales like VADER's
compound. Coarser than VADER: it knows a few dozen words per language, not 7,500
(docs/triage-languages.md).
"""

from __future__ import annotations

import math
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from . import lexicons

_analyser: SentimentIntensityAnalyzer | None = None
# VADER's normalisation constant: x / sqrt(x² + alpha) maps a raw sum into -1..+1.
ALPHA = 15
WORD_WEIGHT = 1.5


def _get() -> SentimentIntensityAnalyzer:
    global _analyser
    if _analyser is None:  # reading the lexicon takes ~50 ms: once per process, on first use
        _analyser = SentimentIntensityAnalyzer()
    return _analyser


def _vader(text: str) -> float:
    return round(_get().polarity_scores(text[:2000])["compound"], 3)


def _lexicon(text: str, langs: tuple[str, ...]) -> float:
    norm = lexicons.normalise(text[:2000])
    raw = 0.0
    for category, sign in (("negative", -1), ("positive", 1)):
        for found in lexicons.find_all(category, norm, langs):
            raw += -sign * WORD_WEIGHT if lexicons.negated(norm, found) else sign * WORD_WEIGHT
    if raw:
        raw *= 1 + 0.1 * min(norm.text.count("!"), 3)
    return round(raw / math.sqrt(raw * raw + ALPHA), 3)


@lru_cache(maxsize=16_384)
def compound(text: str, lang: str = "") -> float:
    """VADER for English (and posts that name no language and are not Chinese or Japanese),
    the language's own word list for the others."""
    if not text.strip():
        return 0.0
    langs = lexicons.languages_for(lang, text)
    if langs[0] == "en" or (langs == lexicons.LANGUAGES):
        return _vader(text)
    return _lexicon(text, langs)


def method(lang: str, text: str = "") -> str:
    """Which method scores a post in lang: "vader" or "lexicon"."""
    langs = lexicons.languages_for(lang, text)
    return "vader" if langs[0] == "en" or langs == lexicons.LANGUAGES else "lexicon"
