"""A stored-XSS corpus (tests/fixtures/xss_payloads.txt) through every inbound field, checked
in every output: pages (charts' SVG included), JSON, CSV, Atom, hub.json and email. The
browser's own rendering of the queue is tests/e2e/test_xss_render.py."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from command import flows
from hubpage import services as hub
from hubpage import tasks as hub_tasks
from hubpage.models import Subscriber
from playbooks.chat import services as rooms
from playbooks.models import Room
from triage.models import Mention, ReplyTemplate
from triage.reports.export import TABLES

from .conftest import api_for, mention_item
from .triage.test_queue import load
from .xss import MARK, assert_inert_atom, assert_inert_html, corpus

pytestmark = pytest.mark.django_db
PAYLOADS = corpus()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def poisoned(lead, agent, volunteer, integration, scenario, django_capture_on_commit_callbacks, settings):
    """A crisis in which every field a stranger or a colleague can write carries a payload."""
    settings.PUBLIC_BASE_URL = "https://northline.example"
    with django_capture_on_commit_callbacks(execute=True):
        crisis = flows.activate(scenario=scenario, by=lead).crisis
    items = [
        mention_item(
            f"x{i}",
            text=f"{payload} trains?",
            author={"handle": payload[:100], "name": payload[:200], "bio": payload, "followers": 5000 + i},
            url=f"https://example.org/post/{i}?q=XSS{i}",
            lang="en",
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    mentions = load(*items)
    client = api_for(agent)
    for mention, payload in zip(mentions, PAYLOADS, strict=False):
        tagged = client.post(f"/api/v1/mentions/{mention.pk}/tags/", {"add": [payload[:40]]}, format="json")
        noted = client.post(f"/api/v1/mentions/{mention.pk}/notes/", {"body": payload}, format="json")
        assert tagged.status_code == 200 and noted.status_code == 201
    for index, payload in enumerate(PAYLOADS):
        author = (lead, agent, volunteer)[index % 3]  # the rate limit allows 8 a user in 10 s
        with django_capture_on_commit_callbacks(execute=True):
            rooms.post_message(crisis_id=crisis.pk, room=Room.CARE, by=author, body=payload)
    template = ReplyTemplate.objects.create(
        name="XSS template", body=f"{PAYLOADS[1]} Hi {{name}}. {PAYLOADS[0]}"
    )
    for payload in PAYLOADS[:6]:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_for(lead).post("/api/v1/hub/updates/", {"body": payload}, format="json")
        assert response.status_code in (200, 201), response.content
    hub.publish()
    return {"crisis": crisis, "mentions": mentions, "template": template}


def test_a_javascript_url_is_never_stored(integration):
    for url in ("javascript:alert('XSS4')", "JaVaScRiPt:alert(1)", "data:text/html,<script>XSS1</script>"):
        response = api_for(integration).post("/api/v1/mentions/", [mention_item("u", url=url)], format="json")
        assert response.status_code == 400 and "[0].url" in response.json()["detail"]


def test_staff_pages_show_every_payload_as_text(poisoned, lead):
    crisis = poisoned["crisis"].pk
    pages = [
        "/",
        "/triage/",
        "/triage/reports/",
        f"/triage/reports/crisis/{crisis}/",
        f"/playbooks/crises/{crisis}/",
        f"/playbooks/crises/{crisis}/hub/",
        f"/playbooks/crises/{crisis}/rooms/{Room.CARE}/",
        f"/playbooks/crises/{crisis}/timeline/",
        f"/playbooks/crises/{crisis}/print/",
        "/social/health/",
    ]
    client = logged_in(lead)
    seen = set()
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = assert_inert_html(response.content.decode(), path)
        seen |= set(MARK.findall(text))
    # the payloads were there to be found, as text
    assert len(seen) >= len(PAYLOADS) - 2, sorted(seen)


def test_the_api_returns_payloads_as_the_data_they_are(poisoned, agent):
    listed = api_for(agent).get("/api/v1/mentions/", {"limit": 100}).json()["results"]
    by_id = {m["external_id"]: m for m in listed}
    for i, payload in enumerate(PAYLOADS):
        mention = by_id[f"x{i}"]
        assert mention["text"] == f"{payload} trains?"
        assert mention["author"]["name"] == payload[:200]
    mention = poisoned["mentions"][0]
    context = api_for(agent).get(f"/api/v1/mentions/{mention.pk}/context/")
    assert context.status_code == 200 and PAYLOADS[0] in json.dumps(context.json(), ensure_ascii=False)
    draft = (
        api_for(agent)
        .get(f"/api/v1/mentions/{mention.pk}/draft/", {"template": poisoned["template"].pk})
        .json()
    )
    assert draft["text"].startswith(PAYLOADS[1])  # the agent sees the template as written
    assert PAYLOADS[0] not in draft["text"].split("Hi", 1)[1].split(".", 1)[0]  # no name from a payload


def test_every_csv_neutralises_the_payloads(poisoned, lead):
    client = logged_in(lead)
    crisis = poisoned["crisis"].pk
    for table in TABLES:
        for path in (f"/triage/reports/{table}.csv", f"/triage/reports/crisis/{crisis}/{table}.csv"):
            response = client.get(path)
            assert response.status_code == 200, path
            for row in csv.reader(io.StringIO(response.content.decode())):
                for cell in row:
                    assert not cell.lstrip().startswith(("=", "+", "-", "@", "|", "%")), (path, cell)


def test_the_public_hub_atom_json_and_email_keep_payloads_inert(
    poisoned, lead, mailoutbox, django_capture_on_commit_callbacks
):
    for path in ("/hub/", "/hub/feed.atom", "/hub/hub.json"):
        response = Client().get(path)
        assert response.status_code == 200, path
        body = response.content
        if path.endswith(".atom"):
            assert_inert_atom(body, path)
        elif path.endswith(".json"):
            data = json.loads(body)
            html_fields = [u.get("html", "") for u in data.get("updates", []) if isinstance(u, dict)]
            for html in html_fields:
                assert_inert_html(html, path)
        else:
            assert_inert_html(body.decode(), path)
    now = poisoned["crisis"].activated_at
    Subscriber.objects.create(email="kate@example.org", lang="en", created_at=now, confirmed_at=now)
    update = hub.post_update(body=PAYLOADS[0] + " " + PAYLOADS[1], by=lead)
    hub_tasks.notify_subscribers(update.pk)
    [mail] = mailoutbox
    assert "<script>" not in mail.subject
    for html, _kind in getattr(mail, "alternatives", []):
        assert_inert_html(html, "update email (HTML)")


def test_a_broadcast_never_publishes_payload_text_from_a_name(poisoned, agent):
    ids = [m.pk for m in poisoned["mentions"]]
    template = ReplyTemplate.objects.create(name="Plain", body="Hi {name}, updates: {hub_link}")
    response = api_for(agent).post("/api/v1/broadcast/", {"ids": ids, "template": template.pk}, format="json")
    assert response.status_code == 202
    for text in Mention.objects.filter(pk__in=ids).values_list("reply_set__text", flat=True):
        assert text and not MARK.search(text) and "<" not in text and "javascript" not in text.lower()
