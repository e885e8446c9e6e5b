"""The stored-XSS corpus and the checks that its payloads reach every output as text only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

CORPUS_FILE = Path(__file__).resolve().parent / "fixtures" / "xss_payloads.txt"
MARK = re.compile(r"XSS\d+")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
SAFE_SCHEMES = ("http://", "https://", "/", "#", "?", "mailto:")


def corpus() -> list[str]:
    return [
        line
        for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]


class _Scan(HTMLParser):
    """Where the marker turns up: as text (fine) or as markup (a hole)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.raw_text_tag: tuple[str, str] | None = None  # (script or style, its type)

    def handle_starttag(self, tag, attrs):
        if MARK.search(tag):
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            value = value or ""
            if MARK.search(name):
                self.problems.append(f"attribute {name} on <{tag}>")
            if not MARK.search(value):
                continue
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if name in URL_ATTRS and not value.strip().lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag in ("script", "style"):
            self.raw_text_tag = (tag, dict(attrs).get("type") or "")

    def handle_endtag(self, tag):
        if self.raw_text_tag and tag == self.raw_text_tag[0]:
            self.raw_text_tag = None

    def handle_data(self, data):
        if self.raw_text_tag and MARK.search(data):
            tag, kind = self.raw_text_tag
            if not (tag == "script" and kind == "application/json"):  # json_script escapes < > &
                self.problems.append(f"{MARK.search(data).group()} inside <{tag}>")
        self.text.append(data)

    def handle_comment(self, data):
        if MARK.search(data):
            self.problems.append(f"comment <!--{data}-->")


def scan_html(html: str) -> tuple[list[str], str]:
    """(the places a marker became markup, the page's text)."""
    scanner = _Scan()
    scanner.feed(html)
    scanner.close()
    return scanner.problems, "".join(scanner.text)


def assert_inert_html(html: str, where: str) -> str:
    problems, text = scan_html(html)
    assert not problems, f"{where}: payload became markup: {problems[:5]}"
    return text


def assert_inert_atom(xml: bytes, where: str) -> str:
    root = ET.fromstring(xml)  # a payload that broke the XML would fail here
    texts = []
    for element in root.iter():
        assert not MARK.search(element.tag), f"{where}: element {element.tag}"
        for name, value in element.attrib.items():
            assert not (name == "href" and MARK.search(value) and not value.startswith(SAFE_SCHEMES)), where
        if element.text:
            texts.append(element.text)
            if element.attrib.get("type") in ("html", "xhtml"):
                assert_inert_html(element.text, f"{where} <{element.tag}>")
    return "".join(texts)
