"""Pure rendering of the hub page, its Atom feed, JSON and banner from plain data.

Nothing here touches the database: services.py builds a HubSnapshot, these functions
turn it into the bytes that are written to disk and served as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from .labels import WORDS, labels_for, language_name

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def markdown_to_safe_html(body: str) -> str:
    """Markdown to HTML with nothing executable left: no script, no handlers, no javascript: links."""
    html = markdown.markdown(body or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener nofollow",
    )


def plain_text(html: str) -> str:
    return " ".join(strip_tags(html).split())


@dataclass(frozen=True)
class HubUpdateView:
    posted_at: datetime
    html: str
    text: str
    id: int = 0
    pinned: bool = False
    edited_at: datetime | None = None


@dataclass(frozen=True)
class FaqView:
    anchor: str
    topic: str
    question: str
    answer_html: str


@dataclass(frozen=True)
class PastCrisisView:
    title: str
    summary_html: str
    started: datetime
    ended: datetime | None


@dataclass(frozen=True)
class HubSnapshot:
    organisation: str
    base_url: str
    mode: str  # "none", "crisis" or "drill"
    lang: str = "en"
    languages: tuple[str, ...] = ("en",)
    content_lang: str = ""  # set when sections, updates or FAQ fall back to another language
    updates_lang: str = ""
    faq_lang: str = ""
    aftermath: bool = False
    title: str = ""
    summary: str = ""  # plain text: share cards and feed
    what_happened: str = ""  # the four sections and contacts: sanitised HTML
    who_is_affected: str = ""
    what_we_are_doing: str = ""
    what_you_should_do: str = ""
    contacts: str = ""
    activated_at: datetime | None = None
    updated_at: datetime | None = None
    next_update_at: datetime | None = None
    updates: tuple[HubUpdateView, ...] = field(default_factory=tuple)
    faq: tuple[FaqView, ...] = field(default_factory=tuple)
    past: tuple[PastCrisisView, ...] = field(default_factory=tuple)
    time_zone: str = "UTC"
    updates_on_page: int = 25

    @property
    def live(self) -> bool:
        return self.mode != "none"

    @property
    def pinned(self) -> HubUpdateView | None:
        return next((u for u in self.updates if u.pinned), None)


# --- addresses ----------------------------------------------------------------
def page_url(base_url: str, lang: str, anchor: str | None = None) -> str:
    return f"{base_url}/hub/{lang}/" + (f"#{anchor}" if anchor else "")


def file_url(base_url: str, lang: str, name: str) -> str:
    return f"{base_url}/hub/{lang}/{name}"


# --- times ----------------------------------------------------------------------
def when(moment: datetime | None, zone: str, lang: str) -> dict[str, str] | None:
    """A moment as the page shows it without JS: the organisation's zone and UTC, plus ISO."""
    if moment is None:
        return None
    tz = ZoneInfo(zone)
    moment = moment.replace(microsecond=0)
    local, utc = moment.astimezone(tz), moment.astimezone(UTC)
    with translation.override(lang):  # month names and the order of day, month and year
        text = date_format(local, str(WORDS["date_full"]))
        short = date_format(local, str(WORDS["date_short"]))
    if local.utcoffset():
        text += f" ({utc:%H:%M} UTC)"
    return {"iso": utc.isoformat().replace("+00:00", "Z"), "text": text, "short": short}


# --- the page ---------------------------------------------------------------------
def _context(s: HubSnapshot) -> dict:
    words = labels_for(s.lang)
    pinned = s.pinned
    shown = tuple(u for u in s.updates if u is not pinned)
    return {
        "hub": s,
        "t": words,
        "content_lang": s.content_lang if s.content_lang not in ("", s.lang) else "",
        "updates_lang": s.updates_lang if s.updates_lang not in ("", s.lang) else "",
        "faq_lang": s.faq_lang if s.faq_lang not in ("", s.lang) else "",
        "url": page_url(s.base_url, s.lang),
        "feed_url": file_url(s.base_url, s.lang, "feed.atom"),
        "json_url": file_url(s.base_url, s.lang, "hub.json"),
        # In-page links are site-relative (they work on any host the files are served from);
        # canonical, alternates and share cards are absolute.
        "switcher": [
            {
                "code": code,
                "name": language_name(code),
                "url": page_url(s.base_url, code),
                "path": f"/hub/{code}/",
            }
            for code in s.languages
        ],
        "feed_path": f"/hub/{s.lang}/feed.atom",
        "json_path": f"/hub/{s.lang}/hub.json",
        "og_title": s.title if s.live else f"{s.organisation}: {words['status']}",
        "og_description": (s.summary if s.live else words["calm_title"])[:200],
        "updated": when(s.updated_at, s.time_zone, s.lang),
        "next_update": when(s.next_update_at, s.time_zone, s.lang),
        "times_note": words["times"].format(zone=s.time_zone),
        "pinned": pinned and {"u": pinned, "when": when(pinned.posted_at, s.time_zone, s.lang)},
        "updates": [
            {"u": u, "when": when(u.posted_at, s.time_zone, s.lang)} for u in shown[: s.updates_on_page]
        ],
        "more_updates": len(shown) > s.updates_on_page,
        "activated": when(s.activated_at, s.time_zone, s.lang),
        "sections": [
            (key.replace("_", "-"), words[key], getattr(s, key))
            for key in ("what_happened", "who_is_affected", "what_we_are_doing", "what_you_should_do")
            if getattr(s, key)
        ],
        "past": [
            {
                "p": p,
                "started": when(p.started, s.time_zone, s.lang),
                "ended": when(p.ended, s.time_zone, s.lang),
            }
            for p in s.past
        ],
    }


def render_html(snapshot: HubSnapshot) -> str:
    return render_to_string("hubpage/hub.html", _context(snapshot))


FEED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def render_feed(snapshot: HubSnapshot) -> str:
    base, lang = snapshot.base_url, snapshot.lang
    feed = Atom1Feed(
        title=f"{snapshot.organisation}: {labels_for(lang)['updates']}",
        link=page_url(base, lang),
        description=snapshot.title or labels_for(lang)["calm_title"],
        feed_url=file_url(base, lang, "feed.atom"),
        feed_guid=file_url(base, lang, "feed.atom"),
        language=lang,
        author_name=snapshot.organisation,
    )
    if not snapshot.updates:
        # Without items Atom1Feed stamps <updated> with the clock: the same state must give the
        # same bytes (and ETag) on every node and every publish (hubpage.sync compares digests).
        moments = [snapshot.updated_at, *(p.ended or p.started for p in snapshot.past)]
        stamp = max((m for m in moments if m), default=FEED_EPOCH)
        feed.latest_post_date = lambda: stamp
    for update in snapshot.updates:
        feed.add_item(
            title=plain_text(update.html)[:90] or snapshot.title,
            link=page_url(base, lang, f"update-{update.id}"),
            description=update.html,
            pubdate=update.posted_at,
            updateddate=update.edited_at or update.posted_at,
            unique_id=page_url(base, lang, f"update-{update.id}"),
            author_name=snapshot.organisation,
        )
    return feed.writeString("utf-8")


def render_json(snapshot: HubSnapshot) -> str:
    s, base = snapshot, snapshot.base_url

    def iso(moment: datetime | None) -> str | None:
        return (
            moment.replace(microsecond=0).astimezone(UTC).isoformat().replace("+00:00", "Z")
            if moment
            else None
        )

    data = {
        "version": 1,
        "organisation": s.organisation,
        "lang": s.lang,
        "languages": {code: page_url(base, code) for code in s.languages},
        "url": page_url(base, s.lang),
        "feed": file_url(base, s.lang, "feed.atom"),
        "mode": s.mode,
        "live": s.live,
        "aftermath": s.aftermath,
        "title": s.title,
        "summary": s.summary,
        "sections": {
            key: getattr(s, key)
            for key in ("what_happened", "who_is_affected", "what_we_are_doing", "what_you_should_do")
        },
        "contacts_html": s.contacts,
        "activated_at": iso(s.activated_at),
        "updated_at": iso(s.updated_at),
        "next_update_at": iso(s.next_update_at),
        "updates": [
            {
                "id": u.id,
                "posted_at": iso(u.posted_at),
                "edited_at": iso(u.edited_at),
                "pinned": u.pinned,
                "html": u.html,
                "text": u.text,
                "url": page_url(base, s.lang, f"update-{u.id}"),
            }
            for u in s.updates
        ],
        "faq": [
            {
                "anchor": f.anchor,
                "topic": f.topic,
                "question": f.question,
                "answer_html": f.answer_html,
                "url": page_url(base, s.lang, f.anchor),
            }
            for f in s.faq
        ],
        "past": [
            {
                "title": p.title,
                "summary_html": p.summary_html,
                "started": iso(p.started),
                "ended": iso(p.ended),
            }
            for p in s.past
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- the banner other sites embed -----------------------------------------------
BANNER_STYLE = (
    "display:block;padding:10px 16px;background:#b3001b;color:#fff;"
    "font:600 16px/1.4 system-ui,sans-serif;text-align:center;text-decoration:underline"
)


def banner_data(snapshot: HubSnapshot) -> dict[str, str] | None:
    if snapshot.mode != "crisis":
        return None
    words = labels_for(snapshot.lang)
    return {"url": page_url(snapshot.base_url, snapshot.lang), "text": f"{snapshot.title}: {words['banner']}"}


def render_banner_js(snapshot: HubSnapshot) -> str:
    """A script that adds one link at the top of the host page while a crisis is on; a no-op otherwise.

    The text goes in with textContent, never innerHTML, and the data is JSON with '<' escaped.
    """
    data = json.dumps(banner_data(snapshot), ensure_ascii=False).replace("<", "\\u003c")
    return (
        "(function(){var m=" + data + ";if(!m)return;var d=document,a=d.createElement('a');"
        "a.href=m.url;a.textContent=m.text;a.setAttribute('style'," + json.dumps(BANNER_STYLE) + ");"
        "a.setAttribute('data-crisis-banner','');"
        "function go(){if(d.querySelector('[data-crisis-banner]'))return;"
        "d.body.insertBefore(a,d.body.firstChild)}"
        "if(d.body)go();else d.addEventListener('DOMContentLoaded',go)})();\n"
    )


def render_banner_html(snapshot: HubSnapshot) -> str:
    """The iframe variant: a one-line page with the link, or an empty page when all is well."""
    context = {"banner": banner_data(snapshot), "lang": snapshot.lang, "style": BANNER_STYLE}
    return render_to_string("hubpage/banner.html", context)
