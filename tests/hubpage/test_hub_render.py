"""The hub page, feed, JSON and banner as pure functions of a snapshot (no database)."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from hubpage.render import (
    FaqView,
    HubSnapshot,
    HubUpdateView,
    PastCrisisView,
    markdown_to_safe_html,
    render_banner_html,
    render_banner_js,
    render_feed,
    render_html,
    render_json,
)

ATOM = "{http://www.w3.org/2005/Atom}"
T0 = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)
BASE = {
    "organisation": "Northline Rail",
    "base_url": "https://crisis.example.org",
    "time_zone": "Europe/Paris",
}


def crisis(**overrides) -> HubSnapshot:
    values = {
        **BASE,
        "mode": "crisis",
        "lang": "en",
        "languages": ("en", "fr"),
        "title": "Disruption on the main line",
        "summary": "A signalling fault has stopped trains.",
        "what_happened": "<p>A signalling fault has stopped trains.</p>",
        "who_is_affected": "<p>Passengers between A and B.</p>",
        "what_we_are_doing": "<p>Engineers are on site.</p>",
        "what_you_should_do": "<p>Take the replacement buses.</p>",
        "contacts": "<p>Call 0800 123</p>",
        "activated_at": T0,
        "updated_at": T0,
        "updates": (
            HubUpdateView(id=2, posted_at=T0, html="<p>Buses now run every 10 minutes.</p>", text="Buses"),
            HubUpdateView(id=1, posted_at=T0.replace(hour=13), html="<p>First update.</p>", text="First"),
        ),
        "faq": (
            FaqView("refunds", "refunds", "Can I get a refund?", "<p>Yes, in full.</p>"),
            FaqView("rebookings", "rebookings", "Can I travel later?", "<p>Any train this week.</p>"),
        ),
    }
    values.update(overrides)
    return HubSnapshot(**values)


def calm(**overrides) -> HubSnapshot:
    return HubSnapshot(**{**BASE, "mode": "none", "lang": "en", "languages": ("en", "fr"), **overrides})


def positions(page: str, needles: list[str]) -> list[int]:
    return [page.index(needle) for needle in needles]


def test_page_answers_the_five_questions_in_order_then_timeline_faq_contacts():
    page = render_html(crisis())
    order = positions(
        page,
        [
            "What happened",
            "Who is affected",
            "What we are doing",
            "What you should do",
            "When we will update next",
            "Updates",
            "Questions and answers",
            "Contact us",
        ],
    )
    assert order == sorted(order)
    assert page.index("Buses now run") < page.index("First update.")  # newest first


@pytest.mark.parametrize(
    ("snapshot", "present", "absent"),
    [
        (calm(), ["No active incident", 'lang="en"'], ["DRILL", "noindex", "Updates"]),
        (calm(lang="fr"), ["Aucun incident en cours", 'lang="fr"'], ["No active incident"]),
        (crisis(mode="drill"), ["DRILL", 'content="noindex, nofollow"'], ["/hub/subscribe/"]),
        (crisis(lang="de", languages=("en", "de")), ["Was ist passiert", 'lang="de"'], ["What happened"]),
        (crisis(aftermath=True), ["The disruption is over"], []),
        (
            crisis(lang="fr", content_lang="en", updates_lang="en", faq_lang="fr"),
            [
                '<html lang="fr">',
                '<h1 lang="en">',
                '<ol class="updates" reversed lang="en">',
                "Ce qui s&#x27;est passé",
            ],
            ['<div lang="fr">'],
        ),
        (crisis(next_update_at=T0.replace(hour=16)), ['datetime="2026-11-24T16:05:00Z"', "17:05 CET"], []),
        (crisis(), ["We will update this page as soon as we know more"], []),
        (crisis(updates=()), ["We are aware of the problem"], []),
        (
            crisis(
                updates=(
                    HubUpdateView(
                        id=9, posted_at=T0, html="<p>Keep away from stations.</p>", text="", pinned=True
                    ),
                )
            ),
            ['<h2 id="key">Key message</h2><p>Keep away from stations.</p>'],
            ['id="update-9"'],
        ),
        (
            calm(past=(PastCrisisView("Storm Ciara", "<p>Lines closed for a day.</p>", T0, T0),)),
            ["Past incidents", "Storm Ciara"],
            [],
        ),
    ],
)
def test_page_variants(snapshot, present, absent):
    page = render_html(snapshot)
    for needle in present:
        assert needle in page
    for needle in absent:
        assert needle not in page


def test_every_faq_answer_has_a_stable_anchor():
    page = render_html(crisis())
    assert '<h3 id="refunds">Can I get a refund?</h3>' in page
    assert '<h3 id="rebookings">' in page


def test_last_updated_is_in_utc_and_the_organisations_zone_without_js():
    page = render_html(crisis())
    assert '<time datetime="2026-11-24T14:05:00Z">24 November 2026, 15:05 CET (14:05 UTC)</time>' in page
    assert "<script" not in page


def test_share_cards_language_switcher_and_skip_link():
    page = render_html(crisis(lang="fr"))
    assert '<meta property="og:title" content="Disruption on the main line">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<meta property="og:url" content="https://crisis.example.org/hub/fr/">' in page
    assert '<a href="/hub/fr/" hreflang="fr" lang="fr" aria-current="page">' in page
    assert '<a href="/hub/en/" hreflang="en" lang="en">English</a>' in page
    assert '<link rel="alternate" hreflang="en" href="https://crisis.example.org/hub/en/">' in page
    assert 'class="skip" href="#content"' in page


def test_page_with_many_updates_stays_under_50_kb():
    long = "<p>" + "Trains are running with delays of up to an hour on the main line. " * 6 + "</p>"
    updates = tuple(HubUpdateView(id=i, posted_at=T0, html=long, text="") for i in range(60, 0, -1))
    faq = tuple(FaqView(f"q{i}", "other", "A question " * 5, long) for i in range(8))
    page = render_html(crisis(updates=updates, faq=faq))
    assert len(page.encode()) < 50 * 1024  # CSS is inline: this is the whole download
    assert "Older updates are in the feed." in page


def test_feed_is_valid_atom_with_required_elements():
    root = ET.fromstring(render_feed(crisis()))
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert entries[0].find(f"{ATOM}id").text == "https://crisis.example.org/hub/en/#update-2"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://crisis.example.org/hub/en/feed.atom"


def test_json_document_for_partners():
    data = json.loads(render_json(crisis()))
    assert data["live"] is True and data["mode"] == "crisis" and data["lang"] == "en"
    assert data["languages"] == {
        "en": "https://crisis.example.org/hub/en/",
        "fr": "https://crisis.example.org/hub/fr/",
    }
    assert data["updates"][0]["posted_at"] == "2026-11-24T14:05:00Z"
    assert data["faq"][0]["url"] == "https://crisis.example.org/hub/en/#refunds"
    assert json.loads(render_json(calm()))["live"] is False


def test_banner_points_to_the_hub_only_during_a_public_crisis():
    live = render_banner_js(crisis(title="Trains </script><script>alert(1)"))
    assert "https://crisis.example.org/hub/en/" in live and "textContent" in live
    assert "</script>" not in live and "innerHTML" not in live
    assert "var m=null;" in render_banner_js(calm())
    assert "var m=null;" in render_banner_js(crisis(mode="drill"))
    assert 'target="_top"' in render_banner_html(crisis())
    assert "<a " not in render_banner_html(calm())


INJECTIONS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<scr<script>ipt>alert(1)</script>",
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></math>",
    "![x](javascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_script_survives_sanitising(payload):
    html = markdown_to_safe_html(f"Update\n\n{payload}").lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onmouseover",
        "javascript:",
        "vbscript:",
        "data:text",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "<meta",
        "<link",
        "<style",
        "style=",
    ):
        assert bad not in html
