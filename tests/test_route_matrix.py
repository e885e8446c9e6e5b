"""Every route x every role: the URLconf and the websocket routes, walked, each hit once per role.

The table below gives each route's expected status per role; a route the URLconf (or
crisiscenter.asgi's websocket routes) gains without a row fails the suite, and so does a row
for a route that is gone. Each request runs in a savepoint rolled back afterwards, so one
role's POST never changes what the next role finds. Bodies are empty: this is about who gets
in, not what a valid request does (the tests of each feature do that).

Admin pages are Django's admin site: one rule covers all of them (staff only; the admin
persona is staff), and every one is still hit.

To see what the routes answer today (for a new row): MATRIX_PRINT=1 make test
PYTEST_ARGS="tests/test_route_matrix.py -q -s".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from command import flows
from core.roles import Role
from crisiscenter.asgi import websocket_urls
from hubpage.models import HubUpdate
from playbooks import guests
from playbooks.models import ChecklistTask
from playbooks.review import add_action_item
from tests.conftest import clear_counters, make_user, mention_item
from tests.factories import api_key
from tests.triage.test_queue import load

PERSONAS = ("anonymous", "volunteer", "agent", "lead", "admin", "token")
PRINT = bool(os.environ.get("MATRIX_PRINT"))


class Row(NamedTuple):
    anonymous: int
    volunteer: int
    agent: int
    lead: int
    admin: int
    token: int


def row(*statuses: int) -> Row:
    return Row(*statuses)


def same(status: int) -> Row:
    return Row(*([status] * 6))


# (method, expected per persona) for every named route. "token" is the ingest user's API token
# (Role.INTEGRATION): pages do not take tokens, so it is anonymous there.
MATRIX: dict[str, dict[str, Row]] = {}  # filled below, one line per route


# --- the routes ---------------------------------------------------------------------------------
class Route(NamedTuple):
    name: str  # namespaced ("admin:index")
    pattern: str
    params: tuple[str, ...]


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            yield Route(f"{namespace}{p.name}" if p.name else pattern, pattern, tuple(_params(pattern)))


def _params(pattern: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)]


ROUTES = sorted(walk(get_resolver().url_patterns), key=lambda r: r.name)
ADMIN = [r for r in ROUTES if r.pattern.startswith("admin/")]
OWN = [r for r in ROUTES if not r.pattern.startswith("admin/")]


# --- the world every request meets --------------------------------------------------------------
@pytest.fixture
def world(db, scenario, monkeypatch):
    # The webhooks as a fresh install has them: not configured (another module sets a secret
    # for the whole run when it is imported).
    for name in ("X_CONSUMER_SECRET", "META_APP_SECRET", "GENERIC_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    users = {
        "volunteer": make_user("m_volunteer", Role.VOLUNTEER),
        "agent": make_user("m_agent", Role.AGENT),
        "lead": make_user("m_lead", Role.LEAD),
        "admin": make_user("m_admin", Role.ADMIN),
        "token": make_user("m_ingest", Role.INTEGRATION),
    }
    get_user_model().objects.filter(pk=users["admin"].pk).update(is_staff=True, is_superuser=True)
    users["admin"].refresh_from_db()
    (mention,) = load(mention_item("m1"))
    closed = flows.activate(scenario=scenario, by=users["lead"], drill=True).crisis
    flows.deactivate(by=users["lead"])
    item = add_action_item(crisis_id=closed.pk, by=users["lead"], title="Faster review", owner_name="Legal")
    crisis = flows.activate(scenario=scenario, by=users["lead"], drill=True).crisis
    task = ChecklistTask.objects.filter(crisis=crisis).first()
    update = HubUpdate.objects.filter(crisis=crisis).first()
    guest = guests.invite(
        crisis=crisis, name="Ops desk", organisation="City airport", hours=24, by=users["lead"]
    )
    samples = {
        "pk": mention.pk,
        "crisis_id": crisis.pk,
        "item_id": item.pk,
        "task_id": task.pk,
        "guest_id": guest.pk,
        "scenario_id": scenario.pk,
        "kind": "social_team",
        "table": "summary",
        "room": "team",
        "token": "not-a-token",
        "uidb64": "MQ",
        "lang": "fr",
        "object_id": "1",
        "id": "1",
        "app_label": "playbooks",
        "content_type_id": "1",
        "url": "x",
        "path": "x",
    }
    # Routes whose pk is not a mention's.
    overrides = {
        "api_crisis_report": {"pk": closed.pk},
        "api_crisis_phase": {"pk": crisis.pk},
        "hub_edit_update": {"pk": update.pk if update else 1},
        "review": {"crisis_id": closed.pk},
        "review_print": {"crisis_id": closed.pk},
        "review_meeting": {"crisis_id": closed.pk},
        "review_action_add": {"crisis_id": closed.pk},
        "review_action_toggle": {"crisis_id": closed.pk},
        "review_complete": {"crisis_id": closed.pk},
        "api_review": {"crisis_id": closed.pk},
        "api_review_complete": {"crisis_id": closed.pk},
        "api_review_action_items": {"crisis_id": closed.pk},
        "api_review_action_item": {"crisis_id": closed.pk},
    }
    clients = {persona: client_for(persona, users) for persona in PERSONAS}
    return clients, samples, overrides


def client_for(persona: str, users: dict) -> Client:
    if persona == "anonymous":
        return Client()
    if persona == "token":
        return Client(HTTP_AUTHORIZATION=f"Token {api_key(users['token'])}")
    client = Client()
    client.force_login(users[persona])
    return client


def url_of(route: Route, samples: dict, overrides: dict) -> str:
    kwargs = {p: str(overrides.get(route.name, {}).get(p, samples[p])) for p in route.params}
    if route.name != route.pattern:  # named
        return reverse(route.name, kwargs=kwargs)
    # The admin's unnamed routes (an object's old URL, the catch-all): filled in by hand.
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], route.pattern)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], url)
    return "/" + url.replace("^", "").replace("$", "")


# Routes open to anyone whose 302 goes back to the page they came from, not to the login page.
SENDS_BACK = {"set_language"}

# Routes that answer a script differently from a browser form: asked as the script does.
HEADERS = {"task_toggle": {"HTTP_ACCEPT": "application/json"}}


def hit(route: Route, method: str, world) -> Row:
    clients, samples, overrides = world
    url = url_of(route, samples, overrides)
    statuses = []
    for persona in PERSONAS:
        client = clients[persona]
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        clear_counters()  # each request is judged by its role, not by the ones before it
        with transaction.atomic():
            response = getattr(client, method.lower())(url, **HEADERS.get(route.name, {}))
            transaction.set_rollback(True)
        for name, value in cookies.items():  # a logout must not log the next request out
            client.cookies[name] = value
        statuses.append(response.status_code)
        if (
            persona == "anonymous"
            and response.status_code == 302
            and not route.name.startswith("admin:")
            and route.name not in SENDS_BACK
        ):
            # A page's "log in first" goes to the login page, nowhere else.
            assert response["Location"].startswith(("/accounts/login/", "/admin/login/", "/static/")), url
    return Row(*statuses)


# --- the table ------------------------------------------------------------------------------------
def _rows() -> None:
    # Columns: anonymous, volunteer, agent, lead, admin, token. 302 for anonymous is the login page.
    # POST bodies are empty: 400 means "let in, and told what is missing"; 405 a verb the route
    # does not take. Regenerate with MATRIX_PRINT=1 and read every changed line before pasting.
    MATRIX.update(
        {
            "api_alerts": {
                "GET": row(401, 403, 403, 200, 200, 403),
                "POST": row(401, 403, 403, 405, 405, 403),
            },
            "api_broadcast": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 400, 400, 400, 400, 403),
            },
            "api_crisis": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_crisis_activate": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 400, 400, 403),
            },
            "api_crisis_deactivate": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 200, 200, 403),
            },
            "api_crisis_phase": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 400, 400, 403),
            },
            "api_crisis_report": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_hub_updates": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 400, 400, 403),
            },
            "api_mention": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_mention_claim": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 200, 200, 200, 200, 403),
            },
            "api_mention_context": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_mention_dismiss": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 200, 200, 200, 200, 403),
            },
            "api_mention_draft": {
                "GET": row(401, 400, 400, 400, 400, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_mention_notes": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 400, 400, 400, 400, 403),
            },
            "api_mention_release": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 409, 409, 409, 409, 403),
            },
            "api_mention_reply": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 400, 400, 400, 400, 403),
            },
            "api_mention_resolve": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 200, 200, 200, 200, 403),
            },
            "api_mention_similar": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_mention_tags": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 200, 200, 200, 200, 403),
            },
            "api_mention_take_over": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 403, 200, 200, 200, 403),
            },
            "api_mentions": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 403, 403, 403, 400, 400),
            },
            "api_mentions_bulk": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 400, 400, 400, 400, 403),
            },
            "api_queue_next": {
                "GET": row(401, 405, 405, 405, 405, 403),
                "POST": row(401, 200, 200, 200, 200, 403),
            },
            "api_queue_stats": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_reports": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_review": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_review_action_item": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 405, 405, 403),
            },
            "api_review_action_items": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 403, 403, 400, 400, 403),
            },
            "api_review_complete": {
                "GET": row(401, 403, 403, 405, 405, 403),
                "POST": row(401, 403, 403, 400, 400, 403),
            },
            "api_scenarios": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "api_schema": {"GET": same(200), "POST": same(405)},
            "api_tags": {"GET": row(401, 200, 200, 200, 200, 403), "POST": row(401, 405, 405, 405, 405, 403)},
            "api_templates": {
                "GET": row(401, 200, 200, 200, 200, 403),
                "POST": row(401, 405, 405, 405, 405, 403),
            },
            "connector_health": {
                "GET": row(302, 403, 403, 200, 200, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "connector_health_table": {
                "GET": row(302, 403, 403, 200, 200, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "crisis_checklist": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_deactivate": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_departments": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_hub": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_list": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_outbound": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_phase": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_print": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_report": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_report_csv": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_resume": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_retry_broadcast": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_retry_deliveries": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_retry_pauses": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "crisis_room": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "crisis_room_chat": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 400, 400, 400, 400, 302),
            },
            "crisis_rooms": {"GET": same(302), "POST": same(302)},
            "crisis_switch": {
                "GET": row(302, 403, 403, 302, 302, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "crisis_timeline": {
                "GET": row(302, 403, 403, 200, 200, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "drill_report": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "favicon": {"GET": same(301), "POST": same(301)},
            "generic_webhook": {"GET": same(405), "POST": same(503)},
            "healthz": {"GET": same(200), "POST": same(200)},
            "hub": {"GET": same(200), "POST": same(405)},
            "hub_banner_html": {"GET": same(200), "POST": same(405)},
            "hub_banner_html_lang": {"GET": same(200), "POST": same(405)},
            "hub_banner_js": {"GET": same(200), "POST": same(405)},
            "hub_banner_js_lang": {"GET": same(200), "POST": same(405)},
            "hub_confirm": {"GET": same(400), "POST": same(400)},
            "hub_edit_update": {
                "GET": row(302, 403, 403, 404, 404, 302),
                "POST": row(302, 403, 403, 404, 404, 302),
            },
            "hub_editor": {
                "GET": row(302, 403, 403, 200, 200, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "hub_feed": {"GET": same(200), "POST": same(405)},
            "hub_feed_lang": {"GET": same(200), "POST": same(405)},
            "hub_json": {"GET": same(200), "POST": same(405)},
            "hub_json_lang": {"GET": same(200), "POST": same(405)},
            "hub_lang": {"GET": same(200), "POST": same(405)},
            "hub_post_update": {
                "GET": row(302, 403, 403, 405, 405, 302),
                "POST": row(302, 403, 403, 302, 302, 302),
            },
            "hub_preview": {
                "GET": row(302, 403, 403, 405, 405, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            "hub_subscribe": {"GET": same(405), "POST": same(400)},
            "hub_unsubscribe": {"GET": same(400), "POST": same(400)},
            "huddle_ack": {"GET": same(400), "POST": same(400)},
            "login": {"GET": same(200), "POST": same(200)},
            "logout": {"GET": same(405), "POST": same(302)},
            "metrics": {"GET": same(404), "POST": same(404)},
            "overview": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 200, 200, 200, 200, 302)},
            "password_change": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "password_change_done": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 405, 405, 405, 405, 302),
            },
            "password_reset": {"GET": same(200), "POST": same(200)},
            "password_reset_complete": {"GET": same(200), "POST": same(405)},
            "password_reset_confirm": {"GET": same(200), "POST": same(200)},
            "password_reset_done": {"GET": same(200), "POST": same(405)},
            "readyz": {"GET": same(200), "POST": same(200)},
            "reports": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 200, 200, 200, 200, 302)},
            "reports_csv": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "review": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 200, 200, 200, 200, 302)},
            "review_action_add": {"GET": same(405), "POST": row(302, 403, 403, 400, 400, 302)},
            "review_action_toggle": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "review_complete": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "review_meeting": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "review_print": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "reviews": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 200, 200, 200, 200, 302)},
            "roster": {"GET": row(302, 403, 403, 200, 200, 302), "POST": row(302, 403, 403, 200, 200, 302)},
            "scenario_print": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "task_toggle": {"GET": same(405), "POST": row(302, 403, 403, 200, 200, 302)},
            "triage": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 200, 200, 200, 200, 302)},
            "webhook_meta": {"GET": same(403), "POST": same(503)},
            "webhook_x": {"GET": same(503), "POST": same(503)},
            # Outside parties' links, the roster's call-in and the shared plan: a bad token is
            # refused (410 gone, 400) whoever asks; they need no account.
            "drill_guest": {"GET": same(410), "POST": same(405)},
            "drill_guest_hub": {"GET": same(410), "POST": same(405)},
            "shared_plan": {"GET": same(410), "POST": same(405)},
            "roster_call": {"GET": same(400), "POST": same(400)},
            "drill_guest_invite": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "drill_guest_revoke": {"GET": same(405), "POST": row(302, 403, 403, 302, 302, 302)},
            "jump_seat": {
                "GET": row(302, 200, 200, 200, 200, 302),
                "POST": row(302, 200, 200, 200, 200, 302),
            },
            "training": {"GET": row(302, 200, 200, 200, 200, 302), "POST": row(302, 302, 302, 302, 302, 302)},
            # Signing in: unlocking accounts and authenticator apps are for leads and admins.
            "lockouts": {"GET": row(302, 403, 403, 200, 200, 302), "POST": row(302, 403, 403, 302, 302, 302)},
            "two_factor": {
                "GET": row(302, 403, 403, 200, 200, 302),
                "POST": row(302, 403, 403, 200, 200, 302),
            },
            # The language picker (anyone, the login page has it) and the scripts' catalog.
            "set_language": {"GET": same(405), "POST": same(302)},
            "javascript_catalog": {"GET": same(200), "POST": same(405)},
        }
    )


_rows()


# --- the tests ------------------------------------------------------------------------------------
def test_every_route_has_a_row_and_every_row_a_route():
    names = {r.name for r in OWN}
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    if PRINT:
        return
    assert not missing, f"routes without a row in tests/test_route_matrix.py MATRIX: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_each_role_gets_what_the_table_says(world):
    """One world for every route (building it per route took minutes); every mismatch listed."""
    wrong = []
    for route in OWN:
        wanted = MATRIX.get(route.name) or ({"GET": None, "POST": None} if PRINT else {})
        for method, expected in wanted.items():
            got = hit(route, method, world)
            if PRINT:
                print(f"\nMATRIX {route.name!r}: {{{method!r}: row{tuple(got)}}},")
            elif got != expected or 500 in got:
                wrong.append(f"{method} {route.pattern}: {dict(zip(PERSONAS, got, strict=True))}")
    assert not wrong, "\n".join(wrong)


def test_the_admin_site_is_for_admins_only(world):
    wrong = []
    for route in ADMIN:
        got = hit(route, "GET", world)
        public = route.name in ("admin:login", "admin:logout", "admin:jsi18n")
        for persona, status in zip(PERSONAS, got, strict=True):
            ok = status in (200, 301, 302, 403, 404, 405) if persona == "admin" or public else status == 302
            if not ok:
                wrong.append(f"{route.pattern} {persona}: {status}")
    assert not wrong, "\n".join(wrong)


# --- websockets -----------------------------------------------------------------------------------
WS_OPEN, WS_REFUSED = "open", 403
WS_MATRIX: dict[str, tuple] = {
    # anonymous, volunteer, agent, lead, admin, token (a token header is no login for a socket)
    "ws/state/": (WS_REFUSED, WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN, WS_REFUSED),
    "ws/crisis/<int:crisis_id>/": (WS_REFUSED, WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN, WS_REFUSED),
    "ws/triage/": (WS_REFUSED, WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN, WS_REFUSED),
    "ws/rooms/<int:crisis_id>/<str:room>/": (WS_REFUSED, WS_OPEN, WS_OPEN, WS_OPEN, WS_OPEN, WS_REFUSED),
}


def test_every_websocket_route_has_a_row():
    patterns = {str(p.pattern) for p in websocket_urls}
    assert patterns == set(WS_MATRIX), f"websocket routes without a row: {patterns - set(WS_MATRIX)}"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pattern", sorted(WS_MATRIX))
def test_each_role_opens_the_websockets_the_table_says(pattern, asgi_server, scenario):
    users = {p: make_user(f"ws_{p}", *ROLES[p]) for p in PERSONAS if p != "anonymous"}
    crisis = flows.activate(scenario=scenario, by=users["lead"], drill=True).crisis
    path = "/" + pattern.replace("<int:crisis_id>", str(crisis.pk)).replace("<str:room>", "team")
    got = []
    for persona in PERSONAS:
        headers = {"Origin": asgi_server}
        if persona == "token":
            headers["Authorization"] = f"Token {api_key(users['token'])}"
        elif persona != "anonymous":
            client = Client()
            client.force_login(users[persona])
            headers["Cookie"] = f"sessionid={client.cookies['sessionid'].value}"
        try:
            url = asgi_server.replace("http", "ws", 1) + path
            with connect(url, additional_headers=headers, open_timeout=5):
                got.append(WS_OPEN)
        except InvalidStatus as refused:
            got.append(refused.response.status_code)
    assert tuple(got) == WS_MATRIX[pattern], dict(zip(PERSONAS, got, strict=True))


ROLES = {
    "volunteer": (Role.VOLUNTEER,),
    "agent": (Role.AGENT,),
    "lead": (Role.LEAD,),
    "admin": (Role.ADMIN,),
    "token": (Role.INTEGRATION,),
}
