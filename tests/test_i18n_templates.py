"""Every word a template shows goes through the translation catalogs.

Each template under templates/ is read with Django's own template lexer: what sits inside
{% translate %} or {% blocktranslate %} (or a tag, a variable, a comment) is left out, and the rest
is parsed as HTML. A text node, or a title / aria-label / placeholder / alt / button value, that
still holds a word is unmarked text, and the test names the template and the words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The hub page's templates (public, per published language) are translated on their own branch
# (i18n-py, issue 14); Django's own admin frame (admin/base_site.html) carries Django's strings.
SKIPPED = ("hubpage/",)
# Words a page shows the same in every language: priority bands, keys, units of the product.
ALLOWED = {"P1", "P2", "P3", "P4", "Ctrl", "Enter", "Esc", "Shift", "Tab"}
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
VERBATIM = {"script", "style", "kbd", "code", "pre"}
MARK = "\x00"
WORD = re.compile(r"[^\W\d_]{2,}")


def visible_source(source: str) -> str:
    """The template with every translated block, tag, variable and comment replaced by MARK."""
    out, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in ("blocktranslate", "blocktrans"):
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            elif name == "verbatim":
                skipping = "endverbatim"
            elif token.contents.split()[1:2] == ["bodyclass"]:  # class names, not words
                skipping = "endblock"
            out.append(MARK)
        elif skipping:
            continue
        elif token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(MARK)
    return "".join(out)


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.replace(MARK, " ")) if w not in ALLOWED]


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VERBATIM:
            self.verbatim += 1
        attributes = dict(attrs)
        checked = set(ATTRIBUTES)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            checked.add("value")
        for name, value in attrs:
            if name in checked and value and words(value):
                self.found.append(f'{tag} {name}="{value.replace(MARK, "…")}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in VERBATIM and self.verbatim:
            self.verbatim -= 1

    def handle_data(self, data: str) -> None:
        if not self.verbatim and words(data):
            self.found.append(" ".join(data.replace(MARK, "…").split()))


def unmarked(source: str) -> list[str]:
    finder = _Finder()
    finder.feed(visible_source(source))
    finder.close()
    return finder.found


def staff_templates() -> list[Path]:
    return sorted(
        p
        for p in TEMPLATES.rglob("*")
        if p.suffix in (".html", ".txt") and not str(p.relative_to(TEMPLATES)).startswith(SKIPPED)
    )


def test_the_checker_finds_unmarked_text_and_ignores_marked_text():
    assert unmarked("<p>Queue <b>{{ n }}</b></p>") == ["Queue"]
    assert unmarked('<button title="Claim it">{% translate "Next" %}</button>') == ['button title="Claim it"']
    assert unmarked('<input type="submit" value="Send">') == ['input value="Send"']
    assert (
        unmarked(
            "{% load i18n %}<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %} <kbd>Esc</kbd></p>"
        )
        == []
    )
    assert unmarked('<span class="band">P1</span> {# a note #} <kbd>j</kbd>') == []
    assert unmarked("<a title=\"{% translate 'Back' %}\">{{ label }}</a>") == []


@pytest.mark.parametrize("template", staff_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_holds_no_unmarked_text(template: Path):
    found = unmarked(template.read_text(encoding="utf-8"))
    assert not found, f"{template.relative_to(TEMPLATES)} shows text outside {{% translate %}}: {found}"
