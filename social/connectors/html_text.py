"""Platform HTML (Mastodon statuses and bios, Reddit body_html) to plain text, leniently:
the markup can be malformed, and only its text may reach our pages."""

from __future__ import annotations

import html
import re

import nh3

_BLOCK_END = re.compile(r"</p\s*>|</li\s*>|</h[1-6]\s*>|</blockquote\s*>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(value: str | None) -> str:
    """Paragraphs become blank-line separated, <br> a newline, links their full text
    (Mastodon hides parts of a URL in "invisible" spans; we keep them), entities decoded."""
    if not value:
        return ""
    # nh3 (html5ever) repairs the markup and drops scripts and styles with their content;
    # the kept tags only mark where line breaks go.
    cleaned = nh3.clean(value, tags={"p", "br", "li", "blockquote", "h1", "h2", "h3"}, attributes={})
    cleaned = _BREAK.sub("\n", cleaned)
    cleaned = _BLOCK_END.sub("\n\n", cleaned)
    text = html.unescape(_TAG.sub("", cleaned))
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
