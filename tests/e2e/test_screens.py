"""Every screen at laptop, tablet and phone sizes, and axe-core on every page.

Screenshots of the queue, checklist and overview at each size go to var/shots/screens/ (the ones
the README shows are copied from there to docs/screenshots/ by hand after looking at them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.admin import site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from command import flows
from core.models import Profile
from playbooks import guests
from playbooks.demo import PLAYBOOK
from playbooks.models import Crisis, Department, Phase
from playbooks.portable import import_data
from tests.conftest import make_user, mention_item, wait_for
from tests.integration.conftest import http_post
from triage.models import Mention, Reply, ReplyTemplate, Tier

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "shots" / "screens"
SIZES = {"laptop": (1366, 768), "small-laptop": (1024, 768), "tablet": (768, 1024), "phone": (390, 844)}
TEXTS = [
    ("janedoe", "Jane Doe", 48_000, "Trains stuck at Kingsbridge for an hour, is anyone hurt?"),
    ("citynews", "City News", 1_200_000, "Is anyone hurt? Reports of smoke on the 08:14"),
    ("bob", "Bob", 1_300, "When will my train run again? I need to get to work"),
    ("alice", "أليس", 210, "refund?? مرحبا I paid for a ticket I could not use"),
    ("sam", "Sam", 90, "No information at the station at all, staff do not know either"),
]


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def crisis_with_mentions(asgi_server, celery_worker_process, scenario, lead, integration):
    ReplyTemplate.objects.create(
        name="Sorry", body="Hi {name}, sorry about today. Updates: {hub_link}\n---\nSorry {name}! {hub_link}"
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    items = [
        mention_item(f"s{i}", text=text, author={"handle": handle, "name": name, "followers": followers})
        for i, (handle, name, followers, text) in enumerate(TEXTS)
    ]
    assert http_post(asgi_server, "/api/v1/mentions/", items, integration)[0] == 202
    wait_for(lambda: Mention.objects.count() == len(TEXTS), message="the batch to be stored")
    return crisis


def _row_box(page):
    first = page.locator("#rows li").first
    expect(first).to_be_visible(timeout=10000)
    return first.bounding_box()


@pytest.mark.parametrize("size", ["small-laptop", "tablet", "phone"])
def test_the_queue_list_stays_usable_below_1100_px(browser, crisis_with_mentions, asgi_server, agent, size):
    page = login(browser, asgi_server, agent, viewport=SIZES[size])
    page.goto(f"{asgi_server}/triage/")
    expect(page.locator("#rows li")).to_have_count(len(TEXTS), timeout=10000)
    box = _row_box(page)
    assert box["width"] > 0.5 * SIZES[size][0], f"rows are {box['width']} px wide at {size}"
    _shoot(page, f"queue-{size}")

    # "/" search works at every width and searches the server
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("@citynews")
    expect(page.locator("#rows li")).to_have_count(1, timeout=5000)
    expect(page.locator("#search-note")).to_contain_text("1 found")
    page.fill("#search", "")
    expect(page.locator("#rows li")).to_have_count(len(TEXTS), timeout=5000)

    # the filters fold into a drawer that opens and closes
    filters = page.locator("#filters")
    expect(filters).to_be_hidden()
    page.click("#filters-toggle")
    expect(filters).to_be_visible()
    expect(page.locator("#filters-toggle")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(filters).to_be_hidden()


def _agents_counted(page) -> int:
    counted = re.search(r"(\d+) agents? ·", page.locator("#capacity").inner_text())
    return int(counted.group(1)) if counted else -1


def test_an_agent_reads_claims_and_replies_from_a_template_on_a_phone(
    browser, crisis_with_mentions, asgi_server, agent
):
    page = login(browser, asgi_server, agent, viewport=SIZES["phone"])
    page.goto(f"{asgi_server}/triage/")
    # The capacity line counts at least the agents the presence line shows, from the first second.
    expect(page.locator("#presence")).to_contain_text("you")
    wait_for(
        lambda: _agents_counted(page) >= page.locator("#presence .agent").count() >= 1,
        message="the capacity line to count the agents online",
    )
    page.locator("#rows li", has_text="janedoe").click()
    expect(page.locator("#detail blockquote")).to_contain_text("Trains stuck at Kingsbridge")
    page.locator("#detail button", has_text="Claim").click()
    expect(page.locator("#action-status")).to_contain_text("it is yours")
    page.select_option("#template", label="1 · Sorry")
    wait_for(lambda: "Jane" in page.input_value("#reply-text"), message="the template to fill the reply")
    _shoot(page, "queue-phone-reply")
    page.locator("#detail button", has_text="Send").click()
    expect(page.locator("#action-status")).to_contain_text("Reply", timeout=5000)
    wait_for(lambda: Reply.objects.filter(mention__author_handle="janedoe").exists(), message="the reply")


def test_offline_actions_say_so_offer_a_retry_and_the_queue_reconnects(
    browser, crisis_with_mentions, asgi_server, agent
):
    page = login(browser, asgi_server, agent, viewport=SIZES["small-laptop"])
    page.goto(f"{asgi_server}/triage/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10000)
    page.locator("#rows li").first.click()
    page.context.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline", timeout=5000)
    page.keyboard.press("c")
    status = page.locator("#action-status")
    expect(status).to_contain_text("not saved", timeout=5000)
    expect(status.locator("button.retry")).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=2500)
    status.locator("button.retry").click()
    expect(status).to_contain_text("it is yours", timeout=5000)


def test_volunteers_do_not_see_expert_mentions_and_shortcuts_can_be_turned_off(
    browser, crisis_with_mentions, asgi_server, volunteer
):
    assert Mention.objects.filter(author_handle="citynews").update(tier=Tier.EXPERT)
    Mention.objects.filter(author_handle="alice").update(tier=Tier.FIRST_LINE)  # her RTL name below
    first_line = Mention.objects.filter(tier=Tier.FIRST_LINE).count()
    page = login(browser, asgi_server, volunteer, viewport=SIZES["laptop"])
    page.goto(f"{asgi_server}/triage/")
    # Expert work is left out of a volunteer's queue (triage.tiers), not shown and refused on Claim.
    expect(page.locator("#rows li")).to_have_count(first_line, timeout=10000)
    expect(page.locator("#rows li", has_text="citynews")).to_have_count(0)
    # the author line keeps a right-to-left name isolated
    expect(page.locator("#rows li", has_text="alice").locator("bdi").first).to_have_text("alice")

    page.uncheck("#pref-shortcuts")
    page.reload()
    expect(page.locator("#rows li")).to_have_count(first_line, timeout=10000)
    page.keyboard.press("j")
    expect(page.locator("#rows li[aria-selected=true]")).to_have_count(0)
    page.check("#pref-shortcuts")
    page.locator("#rows").focus()
    page.keyboard.press("j")
    expect(page.locator("#rows li[aria-selected=true]")).to_have_count(1)


# A select does not overflow: its chosen option's text, set in the select's font, must fit
# inside it beside the arrow (about 20 px).
CHOICE_FITS = """s => {
  const text = document.createElement("span");
  text.style.font = getComputedStyle(s).font;
  text.style.whiteSpace = "pre";
  text.textContent = s.options[s.selectedIndex].text;
  document.body.append(text);
  const width = text.getBoundingClientRect().width;
  text.remove();
  return width + 20 <= s.clientWidth;
}"""


def test_checklist_overview_and_crisis_room_read_on_a_phone(browser, crisis_with_mentions, asgi_server, lead):
    crisis = crisis_with_mentions
    page = login(browser, asgi_server, lead, viewport=SIZES["phone"])
    page.goto(f"{asgi_server}/playbooks/crises/{crisis.pk}/")
    title = page.locator(".checklist li .title").first
    expect(title).to_be_visible()
    assert title.bounding_box()["width"] > 250, "one word per line"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shoot(page, "checklist-phone")
    page.goto(f"{asgi_server}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shoot(page, "overview-phone")
    for size in ("laptop", "small-laptop", "tablet", "phone"):
        page.set_viewport_size({"width": SIZES[size][0], "height": SIZES[size][1]})
        page.goto(f"{asgi_server}/")
        # The language picker shows its whole choice, and "Log out" stays on the screen.
        assert page.locator("#language-choice").evaluate(CHOICE_FITS), f"language cut short at {size}"
        logout = page.get_by_role("button", name="Log out").bounding_box()
        assert logout["x"] + logout["width"] <= SIZES[size][0], f"Log out off the screen at {size}"
        if size != "phone":
            _shoot(page, f"overview-{size}")
        page.goto(f"{asgi_server}/playbooks/crises/{crisis.pk}/")
        _shoot(page, f"checklist-{size}")


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.timeout(400)
@pytest.mark.parametrize(("size", "language"), [("laptop", ""), ("phone", "zh-hans")])
def test_no_critical_or_serious_axe_violation_on_any_page(
    browser, crisis_with_mentions, asgi_server, lead, agent, volunteer, size, language
):
    """Every page, as each role sees it: on a laptop in English, and on a phone in Chinese (tables
    that scroll sideways there, other words in the same boxes)."""
    crisis = crisis_with_mentions
    admin = make_user("ada_admin")
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    for user in (lead, agent, volunteer, admin):
        Profile.objects.update_or_create(user=user, defaults={"language": language})
    viewport = {"width": SIZES[size][0], "height": SIZES[size][1]}
    closed = Crisis.objects.create(
        scenario=crisis.scenario, title="Last winter", phase=Phase.CLOSED, activated_at=timezone.now()
    )
    drill = Crisis.objects.create(
        scenario=crisis.scenario,
        title="Spring drill",
        is_drill=True,
        phase=Phase.CLOSED,
        activated_at=timezone.now(),
    )
    guest = guests.invite(crisis=drill, name="Ana", organisation="City airport", hours=2, by=lead)
    department = Department.objects.order_by("pk").first()
    department.members.add(agent)
    guest_path = guests.link_for(guest)[len(settings.PUBLIC_BASE_URL) :]
    pages = {
        lead: [
            "/",
            f"/playbooks/crises/{drill.pk}/report/",
            "/playbooks/jump-seat/",
            "/playbooks/training/",
            "/triage/",
            f"/playbooks/crises/{crisis.pk}/",
            f"/playbooks/crises/{crisis.pk}/outbound/",
            f"/playbooks/crises/{crisis.pk}/departments/",
            f"/playbooks/crises/{crisis.pk}/hub/",
            f"/playbooks/crises/{crisis.pk}/rooms/",
            f"/playbooks/crises/{crisis.pk}/timeline/",
            f"/playbooks/crises/{closed.pk}/review/",
            "/playbooks/crises/",
            "/playbooks/roster/",
            "/triage/reports/",
            f"/triage/reports/crisis/{crisis.pk}/",
            "/social/health/",
            "/hub/edit/",
        ],
        agent: ["/triage/"],
        volunteer: ["/triage/", "/playbooks/roster/"],
        admin: [
            f"/admin/playbooks/scenario/{crisis.scenario.pk}/change/",
            f"/admin/playbooks/department/{department.pk}/change/",
            f"/admin/auth/user/{agent.pk}/change/",
            "/admin/",
        ],
        None: ["/hub/", "/accounts/login/", guest_path],
    }
    found = {}
    for user, urls in pages.items():
        if user is None:
            page = browser.new_context(viewport=viewport, locale="zh-CN" if language else "en-GB").new_page()
        else:
            page = login(browser, asgi_server, user, viewport=SIZES[size])
        for url in urls:
            page.goto(f"{asgi_server}{url}")
            # Not "networkidle": live pages poll and hold sockets open. The queue is checked with rows drawn.
            page.wait_for_load_state("load")
            if url == "/triage/":
                page.locator("#rows li").first.wait_for(timeout=10000)
            problems = _serious(page)
            if problems:
                found[f"{getattr(user, 'username', 'public')} {url}"] = problems
        page.context.close()
    assert not found, "\n".join(f"{where}: {p}" for where, problems in found.items() for p in problems)


@pytest.mark.timeout(400)
def test_every_admin_page_has_no_critical_or_serious_axe_violation(browser, asgi_server, agent, scenario):
    """Each registered model's list, add page and (with a row to show) change page, as an admin
    sees them: Django leaves some inputs unnamed, static/js/admin-a11y.js names them."""
    import_data(PLAYBOOK)
    admin = make_user("ada_admin")
    get_user_model().objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(pk=admin.pk)
    page = login(browser, asgi_server, admin)
    found = {}
    for model, model_admin in site._registry.items():
        names = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{names}_changelist")]
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{names}_add"))
        if (row := model.objects.order_by("pk").first()) is not None:
            urls.append(reverse(f"{names}_change", args=[row.pk]))
        for url in urls:
            page.goto(f"{asgi_server}{url}")
            page.wait_for_load_state("load")
            if problems := _serious(page):
                found[url] = problems
    page.context.close()
    assert len(site._registry) > 20
    assert not found, "\n".join(f"{where}: {p}" for where, problems in found.items() for p in problems)
