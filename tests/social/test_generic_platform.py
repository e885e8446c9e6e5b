"""Mentions from listening tools on sites we have no connector for carry platform "generic"."""

from io import StringIO

import pytest
from django.core.management import call_command

from social import health
from social.connectors.registry import reset
from social.models import Platform
from tests.conftest import api_for, mention_item
from tests.connector_helpers import process_pending
from triage.delivery import send_reply
from triage.models import Mention, Reply, ReplyStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_registry():
    reset()
    yield
    reset()


def test_the_api_accepts_generic_mentions_and_still_names_the_platforms_it_knows(integration):
    client = api_for(integration)
    news = mention_item("n1", platform="generic", url="https://news.example/rail-chaos", text="Rail chaos")
    assert client.post("/api/v1/mentions/", [news], format="json").status_code == 202
    process_pending()
    stored = Mention.objects.get(external_id="n1")
    assert stored.platform == "generic" and stored.get_platform_display() == "Listening tool (webhook/CSV)"
    refused = client.post("/api/v1/mentions/", [mention_item("t1", platform="tiktok")], format="json")
    assert refused.status_code == 400
    assert "unknown platform 'tiktok'" in str(refused.json()) and "generic" in str(refused.json())


def test_a_csv_from_a_listening_tool_can_be_imported_as_generic(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(
        "id,text,handle,date,url\n"
        "a1,Trains stuck outside the station for an hour,local_gazette,2026-11-23 10:00:00,https://g.example/1\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_mentions", str(path), "--platform", "generic", stdout=out)
    assert "1 accepted" in out.getvalue()
    process_pending()
    assert Mention.objects.get(external_id="a1").platform == Platform.GENERIC


def test_a_reply_to_a_generic_mention_fails_with_the_reason_instead_of_pretending(agent, integration):
    client = api_for(integration)
    client.post("/api/v1/mentions/", [mention_item("f1", platform="generic")], format="json")
    process_pending()
    mention = Mention.objects.get(external_id="f1")
    replied = api_for(agent).post(f"/api/v1/mentions/{mention.pk}/reply/", {"text": "Sorry!"}, format="json")
    send_reply(replied.json()["reply"])  # what the worker's task does
    reply = Reply.objects.get(mention=mention)
    assert reply.status == ReplyStatus.FAILED and "answer it where it was posted" in reply.error


def test_health_page_and_admin_show_the_listening_tool_row(client, lead, admin_client):
    health.record_events("generic", 7)
    client.force_login(lead)
    page = client.get("/social/health/").content.decode()
    start = page.index('id="health-generic"')
    assert "Listening tools (webhook, CSV)" in page[start : page.index("</tr>", start)]
    admin = admin_client.get("/admin/social/connectorhealth/").content.decode()
    assert "Listening tool (webhook/CSV)" in admin
    assert admin_client.get("/admin/social/connectorhealth/add/").status_code == 403
