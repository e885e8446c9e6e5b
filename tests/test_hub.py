import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from hubpage import services
from hubpage.render import markdown_to_safe_html
from playbooks import services as playbooks

from .conftest import api_for

INJECTIONS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_no_script_survives_sanitising(payload):
    html = markdown_to_safe_html(f"Update\n\n{payload}").lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style="):
        assert bad not in html


def test_markdown_formatting_is_kept():
    html = markdown_to_safe_html("**Trains** are running. See [the timetable](https://example.org/t).")
    assert "<strong>Trains</strong>" in html and 'href="https://example.org/t"' in html


@pytest.mark.django_db
def test_calm_page_without_a_crisis():
    services.publish()
    response = Client().get("/hub/")
    assert response.status_code == 200
    assert b"No active incident" in response.content
    assert "s-maxage" in response["Cache-Control"] and response["ETag"]


@pytest.mark.django_db
def test_crisis_page_shows_title_summary_and_updates(lead, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        playbooks.activate(scenario=scenario, by=lead)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_for(lead).post(
            "/api/v1/hub/updates/", {"body": "Buses replace trains. <script>x</script>"}
        )
    assert created.status_code == 201
    page = Client().get("/hub/").content.decode()
    assert "Disruption on the main line" in page and "Passengers are safe" in page
    assert "Buses replace trains." in page and "<script>x" not in page
    feed = ET.fromstring(Client().get("/hub/feed.atom").content)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    data = json.loads(Client().get("/hub/hub.json").content)
    assert data["live"] is True and data["title"] == "Disruption on the main line"


@pytest.mark.django_db
def test_conditional_get_answers_304():
    services.publish()
    first = Client().get("/hub/")
    again = Client().get("/hub/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_drill_page_is_for_staff_only(lead, agent, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        playbooks.activate(scenario=scenario, by=lead, drill=True)
    public = Client().get("/hub/")
    assert b"No active incident" in public.content
    staff = Client()
    staff.force_login(agent)
    page = staff.get("/hub/")
    assert b"DRILL" in page.content and b"noindex" in page.content
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_only_leads_post_updates(agent, lead, scenario):
    assert api_for(agent).post("/api/v1/hub/updates/", {"body": "x"}).status_code == 403
    assert api_for(lead).post("/api/v1/hub/updates/", {"body": "x"}).status_code == 409  # no crisis yet
    playbooks.activate(scenario=scenario, by=lead)
    assert api_for(lead).post("/api/v1/hub/updates/", {"body": " "}).status_code == 400
