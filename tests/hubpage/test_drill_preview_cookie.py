"""What sends a /hub/ request past nginx to Django: the drill preview cookie, which Django gives a
signed-in staff member only while a drill's staff page is published (deploy/nginx.conf)."""

import pytest
from django.test import Client

from command import flows
from hubpage.middleware import COOKIE

pytestmark = pytest.mark.django_db


def test_staff_get_the_preview_cookie_during_a_drill_only(
    lead, agent, scenario, django_capture_on_commit_callbacks
):
    staff = Client()
    staff.force_login(agent)
    assert COOKIE not in staff.get("/").cookies  # no drill: nginx serves them the public files
    with django_capture_on_commit_callbacks(execute=True):
        flows.activate(scenario=scenario, by=lead, drill=True)
    cookie = staff.get("/").cookies[COOKIE]
    assert cookie.value == "1" and cookie["httponly"]
    assert b"DRILL" in staff.get("/hub/").content
    with django_capture_on_commit_callbacks(execute=True):
        flows.deactivate(by=lead)
    assert staff.get("/").cookies[COOKIE].value == ""  # removed once the drill is over


def test_the_public_never_gets_it_and_logging_out_removes_it(
    lead, agent, scenario, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flows.activate(scenario=scenario, by=lead, drill=True)
    assert COOKIE not in Client().get("/hub/").cookies
    staff = Client()
    staff.force_login(agent)
    staff.get("/")
    assert staff.post("/accounts/logout/").cookies[COOKIE].value == ""


def test_a_forged_cookie_shows_the_public_page(lead, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flows.activate(scenario=scenario, by=lead, drill=True)
    stranger = Client()
    stranger.cookies[COOKIE] = "1"
    stranger.cookies["sessionid"] = "forged"
    page = stranger.get("/hub/")
    assert b"DRILL" not in page.content and b"No active incident" in page.content
