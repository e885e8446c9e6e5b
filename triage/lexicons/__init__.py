"""Triage words per language, as data (one module per language), and the one way they are matched.

Each language module holds LEXICON: categories (safety, topics, negative, positive, negators,
question, journalist, news_name, news_bio, public_body) mapping to terms.

Matching works on a normalised copy of the text: NFKC (full-width letters, digits and
question marks become ASCII; half-width katakana become full-width), casefolded ("ß" reads "ss"), accents
dropped ("rembourse" finds "remboursé"). A term in Latin script matches at the start of a
word and stands for the word it begins ("rembours" finds "remboursement"); a trailing "$"
asks for the whole word, and a leading "*" lets it end a compound (German and Dutch write
"Verkehrsreporterin", "treinvertraging"). A term holding Chinese or Japanese characters matches anywhere:
those scripts have no spaces between words. What matched is reported as the post wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module

LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es", "it", "pt", "nl", "zh", "ja")
TOPICS: tuple[str, ...] = (
    "refund",
    "compensation",
    "rebooking",
    "cancellation",
    "schedule",
    "complaint",
    "praise",
)
CATEGORIES: tuple[str, ...] = (
    "safety",
    *(f"topic:{t}" for t in TOPICS),
    "negative",
    "positive",
    "question",
    "journalist",
    "news_name",
    "news_bio",
    "public_body",
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


@dataclass(frozen=True)
class Normalised:
    text: str
    original: str
    # For each character of text, the index of the original character it came from; None when
    # they are one to one (ASCII text, the common case, skips the per-character work).
    origin: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> str:
        """The original text behind text[start:end]."""
        if start >= end:
            return ""
        if self.origin is None:
            return self.original[start:end]
        return self.original[self.origin[start] : self.origin[end - 1] + 1]


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Recompose what is left (kana with a voiced mark must stay one character: "ば", not "は゛").
    return unicodedata.normalize("NFKC", folded)


def _fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFKC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _fold_term(term: str) -> str:
    return "".join(_fold(c) for c in unicodedata.normalize("NFKC", term))


def normalise(text: str) -> Normalised:
    """NFKC, casefold and accents off, keeping where each character came from."""
    if text.isascii():
        return Normalised(text.lower(), text)
    # Recompose first so "e" + U+0301 is one character.
    text = unicodedata.normalize("NFC", text)
    folded = _fold_text(text)
    if len(folded) == len(text):  # one to one, as for most accented and CJK text
        return Normalised(folded, text)
    # Some character grew ("ß" -> "ss") or vanished: fold one by one so positions map back.
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _fold(char)
        chars.append(folded)
        if len(folded) == 1:
            origin.append(i)
        else:
            origin.extend([i] * len(folded))
    return Normalised("".join(chars), text, tuple(origin))


def primary_language(code: str) -> str:
    """zh-Hans, zh_CN -> zh; pt-BR -> pt; '' for none."""
    return re.split(r"[-_]", (code or "").strip().lower())[0]


def languages_for(lang: str, text: str) -> tuple[str, ...]:
    """Which lexicons read this post: its own language and English (posts mix in English words),
    every language when the platform did not say or said one we have no words for."""
    primary = primary_language(lang)
    if primary in LANGUAGES:
        return (primary,) if primary == "en" else (primary, "en")
    if _KANA.search(text):
        return ("ja", "zh", "en")
    if _CJK.search(text):
        return ("zh", "ja", "en")
    return LANGUAGES


def _trie(words: list[str]) -> str:
    """One regex for many words, as a prefix tree: each position tries one branch per next
    character instead of every word in turn (a few times faster on a 300-word category)."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return render(root)


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    groups: dict[str, list[str]] = {"cjk": [], "inside": [], "whole": [], "prefix": []}
    for raw in {t for t in terms if t.strip()}:
        term = _fold_term(raw.rstrip("$").lstrip("*"))
        if _CJK.search(term):
            groups["cjk"].append(term)
        elif raw.startswith("*"):
            groups["inside"].append(term)
        elif raw.endswith("$"):
            groups["whole"].append(term)
        else:
            groups["prefix"].append(term)
    # Latin-script terms only start where a word starts: the look-behind fails fast mid-word.
    latin = []
    if groups["prefix"]:
        latin.append(_trie(groups["prefix"]) + r"\w*")
    if groups["whole"]:
        latin.append(_trie(groups["whole"]) + r"(?!\w)")
    if groups["inside"]:
        latin.append(r"\w*?" + _trie(groups["inside"]) + r"\w*")
    parts = [r"(?<!\w)(?:" + "|".join(latin) + ")"] if latin else []
    if groups["cjk"]:
        parts.append(_trie(groups["cjk"]))
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Found:
    term: str  # as the post wrote it
    lang: str
    start: int  # in the normalised text
    end: int


class Lexicon:
    """One language's compiled categories."""

    def __init__(self, lang: str, data: dict) -> None:
        self.lang = lang
        self.patterns: dict[str, re.Pattern[str] | None] = {}
        for category in CATEGORIES:
            if category.startswith("topic:"):
                terms = data.get("topics", {}).get(category.split(":", 1)[1], [])
            else:
                terms = data.get(category, [])
            self.patterns[category] = _pattern(list(terms))
        self.negators = _pattern(list(data.get("negators", [])))
        # Questions start with their word in most languages; Chinese and Japanese end with it.
        self.question_anywhere = lang in ("zh", "ja")


@cache
def lexicon(lang: str) -> Lexicon:
    module = import_module(f"{__name__}.{lang}")
    return Lexicon(lang, module.LEXICON)


def find_all(category: str, text: Normalised, langs: tuple[str, ...]) -> list[Found]:
    found = []
    for lang in langs:
        pattern = lexicon(lang).patterns.get(category)
        if pattern is None:
            continue
        for m in pattern.finditer(text.text):
            found.append(Found(text.span(m.start(), m.end()), lang, m.start(), m.end()))
    return found


def find(category: str, text: Normalised, langs: tuple[str, ...]) -> Found | None:
    """The first match, in the order of langs (the post's own language first)."""
    for lang in langs:
        pattern = lexicon(lang).patterns.get(category)
        if pattern is not None and (m := pattern.search(text.text)):
            return Found(text.span(m.start(), m.end()), lang, m.start(), m.end())
    return None


_HANDLES = re.compile(r"^\s*(?:@[\w.-]+[\s,:]*)*")


def is_question(text: Normalised, langs: tuple[str, ...]) -> bool:
    if "?" in text.text:
        return True
    body = text.text[_HANDLES.match(text.text).end() :]
    for lang in langs:
        lex = lexicon(lang)
        pattern = lex.patterns["question"]
        if pattern is None:
            continue
        if lex.question_anywhere and pattern.search(body):
            return True
        if not lex.question_anywhere and pattern.match(body):
            return True
    return False


def negated(text: Normalised, found: Found) -> bool:
    """A negator next to the term: one of the three words before it; in Chinese the two characters
    before it ("不满意"); in Japanese the few after it, where Japanese puts it ("満足していない")."""
    lex = lexicon(found.lang)
    if lex.negators is None:
        return False
    if found.lang == "zh":
        return bool(lex.negators.search(text.text[max(0, found.start - 2) : found.start]))
    if found.lang == "ja":
        return bool(lex.negators.search(text.text[found.end : found.end + 5]))
    clause = re.split(r"[,.;:!?]", text.text[: found.start])[-1]
    words = re.findall(r"[\w']+", clause)[-3:]
    return any(lex.negators.search(w) for w in words)


@lru_cache(maxsize=512)
def compile_terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for admin-edited words (scenario keywords), matched like the lexicons' terms."""
    return _pattern(list(terms))


def search_terms(terms: tuple[str, ...], text: Normalised) -> str | None:
    pattern = compile_terms(terms)
    if pattern is None or not (m := pattern.search(text.text)):
        return None
    return text.span(m.start(), m.end())
