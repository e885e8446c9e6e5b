"""The staff pages in Simplified Chinese, in Chromium: the scripts' words, times in one zone and one
format for server and browser, and the README's screenshots (var/shots/i18n/, copied to
docs/screenshots/ by hand after looking at them: the CJK glyphs must render, not boxes)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from playwright.sync_api import expect

from command import flows
from core.models import Profile
from hubpage.services import post_update
from playbooks.chat import services as rooms
from playbooks.models import ChecklistTask
from playbooks.services import set_task_done
from tests.conftest import mention_item, wait_for
from tests.integration.conftest import http_post
from triage.models import Mention, ReplyTemplate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots" / "i18n"
LAPTOP = {"width": 1366, "height": 768}
# Not the server's zone (Europe/London): a time the browser wrote in its own zone would show.
BROWSER_ZONE = "America/New_York"
TEXTS = [
    ("wang_li", "王丽", 48_000, "列车在金桥站停了一个小时，有人受伤吗？"),
    ("citynews", "City News", 1_200_000, "Is anyone hurt? Reports of smoke on the 08:14"),
    ("bob", "Bob", 1_300, "When will my train run again? I need to get to work"),
    ("chen", "陈先生", 210, "我买的票用不了，怎么退款？"),
    ("sam", "Sam", 90, "No information at the station at all, staff do not know either"),
]


def _chinese(*users) -> None:
    for user in users:
        Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})


def _page(browser, base: str, user, *, locale: str = "zh-CN"):
    context = browser.new_context(viewport=LAPTOP, timezone_id=BROWSER_ZONE, locale=locale)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-" + user.username)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("critical", "serious")]


@pytest.fixture
def crisis_in_chinese(asgi_server, celery_worker_process, scenario, lead, agent, integration):
    _chinese(lead, agent)
    ReplyTemplate.objects.create(name="致歉", body="{name}您好，非常抱歉。最新消息：{hub_link}")
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    items = [
        mention_item(f"zh{i}", text=text, author={"handle": handle, "name": name, "followers": followers})
        for i, (handle, name, followers, text) in enumerate(TEXTS)
    ]
    assert http_post(asgi_server, "/api/v1/mentions/", items, integration)[0] == 202
    wait_for(lambda: Mention.objects.count() == len(TEXTS), message="the batch to be stored")
    post_update(body="金桥站至港口街之间的列车因信号故障停运，每 15 分钟有一班接驳巴士。", by=lead)
    rooms.post_message(crisis_id=crisis.pk, room="team", by=lead, body="先处理 P1，记者优先。")
    return crisis


def test_the_queue_speaks_chinese_in_the_browser(browser, crisis_in_chinese, asgi_server, agent):
    page = _page(browser, asgi_server, agent)
    page.goto(f"{asgi_server}/triage/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#rows li")).to_have_count(len(TEXTS), timeout=10000)
    expect(page.locator("#conn")).to_have_text("● 实时", timeout=10000)
    expect(page.locator("#newbar")).to_have_text("已是最新：新提及会在这里等候")
    expect(page.locator("#capacity")).to_contain_text("流入")
    page.locator("#rows li", has_text="wang_li").click()
    expect(page.locator("#detail button", has_text="认领")).to_be_visible()
    expect(page.locator("#detail .why-box summary")).to_contain_text("排在这里的原因")
    page.locator("#detail button", has_text="认领").click()
    expect(page.locator("#action-status")).to_have_text("已认领：由你负责。", timeout=5000)
    page.select_option("#template", index=1)
    wait_for(lambda: "您好" in page.input_value("#reply-text"), message="the template to fill the reply")
    expect(page.locator("#variant-line")).to_contain_text("第 1 个变体")
    # Follower counts the Chinese way (4.8万), times in the server's zone and the page's format.
    expect(page.locator("#rows li", has_text="wang_li").locator(".who small")).to_contain_text("4.8万")
    assert not _serious(page)
    _shoot(page, "queue-zh")


def test_overview_and_crisis_room_speak_chinese(browser, crisis_in_chinese, asgi_server, lead):
    crisis = crisis_in_chinese
    page = _page(browser, asgi_server, lead)
    expect(page.locator("#state-text")).to_contain_text("危机 · ")
    expect(page.locator("#state-clock")).to_contain_text("已启动")
    expect(page.locator("#h-queue")).to_have_text("队列")
    assert not _serious(page)
    _shoot(page, "overview-zh")

    page.goto(f"{asgi_server}/playbooks/crises/{crisis.pk}/")
    expect(page.locator("#conn")).to_have_text("● 实时", timeout=10000)
    expect(page.locator("#h-checklist")).to_have_text("检查清单")
    assert not _serious(page)
    _shoot(page, "room-checklist-zh")


def test_a_tick_written_by_the_browser_shows_the_time_the_server_would_write(
    browser, crisis_in_chinese, asgi_server, lead
):
    """One row, two writers: the due time is the server's, the tick's time the browser's. Both are
    in the server's zone and the page's format, even on a laptop set to another zone."""
    crisis = crisis_in_chinese
    page = _page(browser, asgi_server, lead)
    page.goto(f"{asgi_server}/playbooks/crises/{crisis.pk}/")
    expect(page.locator("#conn")).to_have_text("● 实时", timeout=10000)
    task = ChecklistTask.objects.filter(crisis=crisis, done_at__isnull=True).order_by("pk").first()
    set_task_done(task_id=task.pk, by=lead, done=True)  # someone else ticks it: it arrives live
    who = page.locator(f"#task-{task.pk} .who")
    expect(who).to_contain_text("✓", timeout=10000)
    written_by_browser = who.inner_text()
    page.reload()
    expect(page.locator(f"#task-{task.pk} .who")).to_have_text(written_by_browser)

    # Every named format, for the same instants, as the server and the browser write them.
    moments = ["2026-07-01T23:05:09+00:00", "2026-12-31T23:59:59+00:00", "2027-03-28T00:30:00+00:00"]
    for language, lang in (("en", "en"), ("zh-hans", "zh-Hans")):
        page.select_option("#language-choice", language)  # the picker in the header applies it at once
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.wait_for_load_state("load")  # the page's own scripts ran: the catalog, then the modules
        browser_says = page.evaluate(
            """async ([moments, names]) => {
                const { formatDate } = await import("/static/js/i18n.js");
                return moments.map((m) => names.map((n) => formatDate(m, n)));
            }""",
            [moments, FORMATS],
        )
        assert browser_says == _server_says(moments, language), language


FORMATS = [
    "TIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "MONTH_DAY_FORMAT",
    "DATETIME_SECONDS_FORMAT",
    "DAY_HOUR_FORMAT",
]


def _server_says(moments: list[str], language: str) -> list[list[str]]:
    with translation.override(language), timezone.override("Europe/London"):
        return [
            [date_filter(timezone.localtime(datetime.fromisoformat(m)), name) for name in FORMATS]
            for m in moments
        ]
