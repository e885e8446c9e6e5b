"""Pure rendering of the hub page, its Atom feed and JSON from plain data."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed

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
    html = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


@dataclass(frozen=True)
class HubUpdateView:
    posted_at: datetime
    html: str
    text: str


@dataclass(frozen=True)
class HubSnapshot:
    organisation: str
    base_url: str
    mode: str  # "none", "crisis" or "drill"
    title: str = ""
    summary: str = ""
    activated_at: datetime | None = None
    updated_at: datetime | None = None
    updates: tuple[HubUpdateView, ...] = field(default_factory=tuple)

    @property
    def live(self) -> bool:
        return self.mode != "none"


def render_html(snapshot: HubSnapshot) -> str:
    return render_to_string("hubpage/hub.html", {"hub": snapshot})


def render_feed(snapshot: HubSnapshot) -> str:
    feed = Atom1Feed(
        title=f"{snapshot.organisation}: service updates",
        link=f"{snapshot.base_url}/hub/",
        description="Updates from our crisis hub page",
        feed_url=f"{snapshot.base_url}/hub/feed.atom",
        language="en",
    )
    for index, update in enumerate(snapshot.updates):
        feed.add_item(
            title=f"{snapshot.title}: update {len(snapshot.updates) - index}",
            link=f"{snapshot.base_url}/hub/#update-{update.posted_at:%Y%m%d%H%M%S}",
            description=update.html,
            pubdate=update.posted_at,
            unique_id=f"{snapshot.base_url}/hub/#update-{update.posted_at.isoformat()}",
        )
    return feed.writeString("utf-8")


def render_json(snapshot: HubSnapshot) -> str:
    data = asdict(snapshot)
    data["live"] = snapshot.live
    return json.dumps(data, default=lambda value: value.isoformat(), indent=1)
