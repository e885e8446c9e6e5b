"""Names that go out in the brand's own replies. A display name is written by a stranger:
"Kate evil.example/claim" must not become a link the brand posted, "@someone" must not
notify a third account, and a right-to-left override must not reverse the brand's text.
What is left is a plain run of words, or nothing (a reply with no name reads fine)."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 40
# Kept in a word: letters, combining marks, and the apostrophes and hyphens of real names.
_JOINERS = "'\u2019-"
# A dot inside a word, a slash or a colon makes a word look like a domain, path or URL.
_LINKISH = re.compile(r"[./:\\]\S|@|#|www", re.IGNORECASE)


def _visible(text: str) -> str:
    """NFKC (fullwidth dots become dots), without control, format (bidi overrides,
    zero-width joiners), private-use or unassigned characters; whitespace as one space."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cn", "Cs")
    )
    return " ".join(kept.split())


def _word(token: str) -> str:
    """The token if it is a plain word (an initial's closing dot allowed), else ""."""
    if _LINKISH.search(token):
        return ""
    token = token.rstrip(",;!?")
    core = token[:-1] if token.endswith(".") else token
    if not core or not any(unicodedata.category(ch)[0] == "L" for ch in core):
        return ""
    if all(unicodedata.category(ch)[0] in "LM" or ch in _JOINERS for ch in core):
        return token
    return ""


def clean_name(raw: str, *, first_only: bool) -> str:
    """The plain words of a display name (the first one only for a person), or ""."""
    words = [w for w in (_word(token) for token in _visible(raw or "").split(" ")) if w]
    if not words:
        return ""
    name = words[0] if first_only else " ".join(words)
    return name if len(name) <= MAX_LENGTH else ""
