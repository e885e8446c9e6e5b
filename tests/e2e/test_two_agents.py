"""Two agents work the same live queue in Chromium: one by keyboard alone, one with the mouse."""

import pytest
from playwright.sync_api import expect

from tests.conftest import mention_item, wait_for
from tests.factories import ReplyTemplateFactory
from tests.integration.conftest import http_post
from triage.models import Mention, MentionStatus, Reply

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "Is anyone hurt on the 08:14?",
    "When will trains run again?",
    "Stuck outside Kingsbridge for an hour",
    "No information at the station at all",
    "Is the 17:30 running?",
    "Trains late again, not happy",
]


def test_two_agents_never_hold_the_same_mention_one_by_keyboard_alone(
    browser, asgi_server, celery_worker_process, agent, other_agent, integration
):
    base = asgi_server
    ReplyTemplateFactory(
        name="Sorry", body="Hi {name}, sorry about today. Updates: {hub_link}\n---\nSorry {name}! {hub_link}"
    )
    items = [
        mention_item(f"m{i}", text=text, author={"handle": f"p{i}", "name": f"Pat{i}", "followers": 40})
        for i, text in enumerate(TEXTS)
    ]
    assert http_post(base, "/api/v1/mentions/", items, integration)[0] == 202
    wait_for(lambda: Mention.objects.count() == len(TEXTS), message="the batch to be stored")

    keys = login(browser, base, agent)  # never touches the mouse after logging in
    keys.goto(f"{base}/triage/")
    mouse = login(browser, base, other_agent)
    mouse.goto(f"{base}/triage/")
    for page in (keys, mouse):
        expect(page.locator("#rows li")).to_have_count(len(TEXTS), timeout=10000)

    taken = {agent.username: [], other_agent.username: []}
    for round_ in range(len(TEXTS) // 2):
        # Both ask for the next mention at the same moment.
        keys.keyboard.press("n")
        mouse.click("#next")
        for page, user in ((keys, agent), (mouse, other_agent)):
            selected = page.locator("#rows li[aria-selected=true]")
            expect(selected).to_contain_text("claimed · you")
            taken[user.username].append(page.evaluate("window.triageState().selectedId"))

        # The keyboard agent answers from template 1 and resolves, all by keys.
        keys.keyboard.press("1")
        expect(keys.locator("#variant-line")).to_contain_text("Variant")
        keys.keyboard.press("r")
        keys.keyboard.press("Control+Enter")
        expect(keys.locator("#action-status")).to_contain_text("sen")
        keys.keyboard.press("e")
        # The mouse agent resolves with a click.
        mouse.click("#detail button:has-text('Done')")
        left = len(TEXTS) - 2 * (round_ + 1)
        for page in (keys, mouse):
            expect(page.locator("#rows li")).to_have_count(left, timeout=10000)

    mine, theirs = set(taken[agent.username]), set(taken[other_agent.username])
    assert len(mine) == len(theirs) == len(TEXTS) // 2 and not mine & theirs
    for page in (keys, mouse):
        expect(page.locator("#rows li")).to_have_count(0, timeout=10000)
    assert set(Mention.objects.values_list("status", flat=True)) == {MentionStatus.RESOLVED}
    assert set(Mention.objects.filter(pk__in=mine).values_list("resolved_by", flat=True)) == {agent.pk}
    assert set(Mention.objects.filter(pk__in=theirs).values_list("resolved_by", flat=True)) == {
        other_agent.pk
    }
    wait_for(
        lambda: Reply.objects.filter(status="sent").count() == len(mine), message="the replies to be sent"
    )
    assert {r.mention_id for r in Reply.objects.all()} == mine
