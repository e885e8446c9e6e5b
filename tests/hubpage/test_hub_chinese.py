"""The hub page in Simplified Chinese: its URLs, frame words, dates, picker and feeds, with
French and English as they were (the frame words come from hubpage/locale)."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.test import Client

from command import flows
from hubpage import selectors, services, subscriptions
from hubpage.labels import labels_for
from hubpage.models import HubPage, Subscriber
from hubpage.render import HubSnapshot, HubUpdateView, render_feed, render_html, render_json, when

ATOM = "{http://www.w3.org/2005/Atom}"
MOMENT = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


@pytest.fixture
def three_languages(settings):
    settings.HUB_LANGUAGES = ["en", "fr", "zh-hans"]


def snapshot(lang: str) -> HubSnapshot:
    return HubSnapshot(
        organisation="Northline Rail",
        base_url="https://crisis.example.org",
        mode="crisis",
        lang=lang,
        languages=("en", "fr", "zh-hans"),
        title="Disruption",
        what_happened="<p>A signalling fault.</p>",
        updated_at=MOMENT,
        next_update_at=MOMENT,
        time_zone="Asia/Shanghai",
        updates=(HubUpdateView(id=1, posted_at=MOMENT, html="<p>Buses run.</p>", text="Buses run."),),
    )


@pytest.mark.parametrize(
    ("lang", "full", "short"),
    [
        ("en", "3 December 2026, 22:05 CST (14:05 UTC)", "3 Dec, 22:05"),
        ("fr", "3 décembre 2026, 22:05 CST (14:05 UTC)", "3 déc., 22:05"),
        ("de", "3. Dezember 2026, 22:05 CST (14:05 UTC)", "3. Dez., 22:05"),
        ("zh-hans", "2026年12月3日 22:05 CST (14:05 UTC)", "12月3日 22:05"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(lang, full, short):
    moment = when(MOMENT, "Asia/Shanghai", lang)
    assert moment["text"] == full and moment["short"] == short
    assert moment["iso"] == "2026-12-03T14:05:00Z"


def test_the_chinese_page_speaks_chinese_around_the_leads_words():
    page = render_html(snapshot("zh-hans"))
    assert '<html lang="zh-hans">' in page
    for words in ("跳到正文", "发生了什么", "下次更新时间", "最新消息", "2026年12月3日 22:05"):
        assert words in page
    assert "最后更新：<time" in page and "</time>。" in page  # Chinese punctuation around the times
    assert "Skip to content" not in page and "December" not in page
    # The picker names each language in its own words and marks the one shown.
    assert 'hreflang="zh-hans" lang="zh-hans" aria-current="page">简体中文</a>' in page
    assert ">Français</a>" in page and ">English</a>" in page
    assert "<script" not in page  # still no JavaScript


def test_french_and_english_keep_their_words():
    assert "Ce qui s'est passé" in render_html(snapshot("fr")).replace("&#x27;", "'")
    assert "What happened" in render_html(snapshot("en"))
    assert labels_for("fr")["subscribe_button"] == "S'abonner"
    assert labels_for("zh-hans")["subscribe_button"] == "订阅"


def test_the_chinese_feed_and_json_are_chinese():
    feed = ET.fromstring(render_feed(snapshot("zh-hans")))
    assert feed.find(f"{ATOM}title").text == "Northline Rail: 最新消息"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    assert (
        feed.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://crisis.example.org/hub/zh-hans/#update-1"
    )
    data = json.loads(render_json(snapshot("zh-hans")))
    assert data["lang"] == "zh-hans" and data["url"] == "https://crisis.example.org/hub/zh-hans/"
    assert data["feed"] == "https://crisis.example.org/hub/zh-hans/feed.atom"
    assert data["languages"]["zh-hans"] == "https://crisis.example.org/hub/zh-hans/"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh", "zh-hans"),
        ("zh-TW", "zh-hans"),  # the only Chinese copy published
        ("fr-CH, fr;q=0.9", "fr"),
        ("de-DE", "en"),
        ("", "en"),
    ],
)
def test_the_browser_language_picks_the_copy(three_languages, header, lang):
    assert selectors.pick_language(header) == lang


def test_replies_link_the_chinese_page_for_any_chinese_tag(three_languages, settings):
    settings.PUBLIC_BASE_URL = "https://crisis.example.org"
    assert selectors.hub_url(lang="zh-CN") == "https://crisis.example.org/hub/zh-hans/"
    assert (
        selectors.hub_url(lang="zh-hans", anchor="refunds")
        == "https://crisis.example.org/hub/zh-hans/#refunds"
    )
    assert selectors.hub_url(lang="nl") == "https://crisis.example.org/hub/"


@pytest.mark.django_db
def test_the_published_chinese_page_feed_and_json(three_languages, lead, scenario):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    services.publish()
    assert (
        HubPage.objects.filter(crisis=crisis).update(next_update_at=datetime(2099, 12, 3, 18, 0, tzinfo=UTC))
        == 1
    )
    services.post_update(body="Des bus remplacent les trains.", by=lead, lang="fr")
    services.publish()
    client = Client()

    page = client.get("/hub/zh-hans/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "最新消息" in html and "下次更新时间" in html and "2099年12月3日" in html
    assert "下次更新时间不晚于 <time" in html and "</time>。" in html
    assert "Des bus remplacent" not in html  # the French update is not shown on the Chinese page
    assert "public" in page["Cache-Control"]

    chosen = client.get("/hub/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert chosen["Content-Language"] == "zh-hans" and "最新消息" in chosen.content.decode()

    moved = client.get("/hub/zh-Hans/feed.atom")
    assert moved.status_code == 301 and moved["Location"] == "/hub/zh-hans/feed.atom"
    feed = client.get("/hub/zh-hans/feed.atom")
    assert feed.status_code == 200 and "最新消息" in feed.content.decode()
    data = json.loads(client.get("/hub/zh-hans/hub.json").content)
    assert data["lang"] == "zh-hans"
    french = client.get("/hub/fr/").content.decode()
    assert "Des bus remplacent" in french and "3 décembre 2099" in french
    assert client.get("/hub/ja/").status_code == 404


@pytest.mark.django_db
def test_a_chinese_subscriber_reads_the_flow_in_chinese(three_languages, lead, scenario, mailoutbox):
    flows.activate(scenario=scenario, by=lead)
    page = Client().post("/hub/subscribe/", {"email": "wang@example.org", "lang": "zh-hans"})
    assert page.status_code == 200 and "请查收邮件" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    subscriptions.send_confirmation(Subscriber.objects.get().pk)
    (mail,) = mailoutbox
    assert mail.subject == "Northline Rail：请确认您的订阅"
    assert "如需确认，请打开此链接" in mail.body and "http://localhost:8000/hub/zh-hans/" in mail.body
