import json
import time
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from command import flows
from hubpage import selectors, services
from hubpage.models import FaqTopic, HubPage, HubUpdate, ScenarioFaq, ScenarioHubText
from playbooks.models import Phase
from tests.conftest import api_for

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hub_scenario(scenario):
    ScenarioHubText.objects.create(
        scenario=scenario,
        lang="fr",
        title="Perturbation sur la ligne principale",
        what_happened="Une panne de signalisation a arrêté les trains.",
        what_you_should_do="Prenez les bus de remplacement.",
        contacts="Téléphone : 0800 123",
    )
    for lang, question in [("en", "Can I get a refund?"), ("fr", "Puis-je être remboursé ?")]:
        ScenarioFaq.objects.create(
            scenario=scenario,
            lang=lang,
            topic=FaqTopic.REFUNDS,
            anchor="refunds",
            question=question,
            answer="Yes: [claim here](https://example.org/refund).",
        )
    return scenario


@pytest.fixture
def live_crisis(lead, hub_scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return flows.activate(scenario=hub_scenario, by=lead).crisis


def post(user, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=False):  # publish runs; the mail task is tested apart
        response = api_for(user).post("/api/v1/hub/updates/", data, format="json")
    services.publish()
    return response


@pytest.mark.django_db
def test_calm_page_without_a_crisis():
    services.publish()
    response = Client().get("/hub/")
    assert response.status_code == 200
    assert b"No active incident" in response.content
    assert "s-maxage" in response["Cache-Control"] and "stale-if-error" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]


@pytest.mark.django_db
def test_activation_seeds_the_page_from_the_scenario_templates_in_each_language(live_crisis):
    english = Client().get("/hub/en/").content.decode()
    assert "Disruption on the main line" in english and "Passengers are safe" in english
    assert '<h3 id="refunds">Can I get a refund?</h3>' in english
    french = Client().get("/hub/fr/").content.decode()
    assert '<html lang="fr">' in french and "Perturbation sur la ligne principale" in french
    assert "Prenez les bus de remplacement." in french and "Puis-je être remboursé ?" in french
    assert "0800 123" in french


@pytest.mark.django_db
def test_hub_picks_the_language_from_accept_language(live_crisis):
    french = Client().get("/hub/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.8")
    assert b"Perturbation" in french.content and french["Content-Language"] == "fr"
    assert "Accept-Language" in french["Vary"]
    german = Client().get("/hub/", HTTP_ACCEPT_LANGUAGE="de-DE")  # not published: the default
    assert b"Disruption on the main line" in german.content
    assert Client().get("/hub/xx/").status_code == 404


@pytest.mark.django_db
def test_reply_links_resolve_to_real_pages(live_crisis):
    for lang in ("en", "fr"):
        url = selectors.hub_url(lang=lang, anchor="refunds")
        path, anchor = url.removeprefix("http://localhost:8000").split("#")
        page = Client().get(path).content.decode()
        assert f'id="{anchor}"' in page
    assert selectors.hub_url(lang="tlh") == "http://localhost:8000/hub/"


@pytest.mark.django_db
def test_serving_needs_no_database_query(live_crisis, django_assert_num_queries):
    with django_assert_num_queries(0):
        for path in ("/hub/", "/hub/fr/", "/hub/feed.atom", "/hub/fr/hub.json", "/hub/banner.js"):
            assert Client().get(path).status_code == 200


@pytest.mark.django_db
def test_conditional_get_answers_304_until_the_page_changes(
    lead, live_crisis, django_capture_on_commit_callbacks
):
    first = Client().get("/hub/en/")
    assert Client().get("/hub/en/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert Client().get("/hub/en/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert Client().get("/hub/en/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    post(lead, django_capture_on_commit_callbacks, body="Buses now run.")
    changed = Client().get("/hub/en/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and b"Buses now run." in changed.content
    assert changed["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_updates_per_language_pinned_key_message_feed_and_json(
    lead, live_crisis, django_capture_on_commit_callbacks
):
    assert (
        post(
            lead, django_capture_on_commit_callbacks, body="Buses replace trains. <script>x</script>"
        ).status_code
        == 201
    )
    assert (
        post(
            lead, django_capture_on_commit_callbacks, body="Ne venez pas en gare.", lang="fr", pin=True
        ).status_code
        == 201
    )
    page = Client().get("/hub/en/").content.decode()
    assert "Buses replace trains." in page and "<script>x" not in page and "Ne venez pas" not in page
    french = Client().get("/hub/fr/").content.decode()
    assert '<h2 id="key">Message essentiel</h2><p>Ne venez pas en gare.</p>' in french
    feed = ET.fromstring(Client().get("/hub/feed.atom").content)
    assert len(feed.findall(f"{ATOM}entry")) == 1
    data = json.loads(Client().get("/hub/fr/hub.json").content)
    assert data["live"] is True and data["updates"][0]["pinned"] is True
    assert api_for(lead).post("/api/v1/hub/updates/", {"body": "x", "lang": "tlh"}).status_code == 400


@pytest.mark.django_db
def test_editing_an_update_keeps_its_history(lead, live_crisis, django_capture_on_commit_callbacks):
    post(lead, django_capture_on_commit_callbacks, body="Trains resume at 14:00.")
    update = HubUpdate.objects.get()
    client = Client()
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/hub/edit/updates/{update.pk}/", {"u-body": "Trains resume at 15:00."})
    assert response.status_code == 302
    page = Client().get("/hub/en/").content.decode()
    assert "Trains resume at 15:00." in page and "14:00" not in page and "(edited)" in page
    assert list(update.revisions.values_list("body_markdown", flat=True)) == ["Trains resume at 14:00."]
    assert b"Trains resume at 14:00." in client.get(f"/hub/edit/updates/{update.pk}/").content


@pytest.mark.django_db
def test_editor_is_for_leads_and_checks_csrf(agent, lead, live_crisis):
    assert Client().get("/hub/edit/").status_code == 302
    staff = Client()
    staff.force_login(agent)
    assert staff.get("/hub/edit/").status_code == 403
    assert staff.post("/hub/edit/preview/", {"body": "x"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    assert strict.get("/hub/edit/?lang=fr").status_code == 200
    assert strict.post("/hub/edit/", {"action": "update", "u-body": "x"}).status_code == 403
    assert not HubUpdate.objects.exists()


@pytest.mark.django_db
def test_preview_runs_the_same_sanitiser_and_posts_nothing(lead, live_crisis):
    client = Client()
    client.force_login(lead)
    live = client.post("/hub/edit/preview/", {"body": "**Buses** <img src=x onerror=alert(1)>"}).json()
    assert live["html"].startswith("<p><strong>Buses</strong>") and "onerror" not in live["html"]
    page = client.post(
        "/hub/edit/", {"action": "update", "u-body": "**Soon** <script>x</script>", "preview": "1"}
    )
    assert b"<strong>Soon</strong>" in page.content and b"<script>x" not in page.content
    assert not HubUpdate.objects.exists()


@pytest.mark.django_db
def test_lead_schedules_the_next_update_and_edits_sections_and_faq(
    lead, live_crisis, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hub/edit/", {"action": "options", "next_update_at": "2026-11-24T18:30"})
        client.post(
            "/hub/edit/?lang=fr",
            {
                "action": "content",
                "c-title": "Trains à l'arrêt",
                "c-what_happened": "Panne.",
                "c-contacts": "",
            },
        )
        client.post(
            "/hub/edit/?lang=en",
            {
                "action": "faq",
                "faq-TOTAL_FORMS": "1",
                "faq-INITIAL_FORMS": "0",
                "faq-0-order": "2",
                "faq-0-topic": "compensation",
                "faq-0-anchor": "delay-repay",
                "faq-0-question": "Is there compensation for delays?",
                "faq-0-answer": "Yes, Delay Repay.",
            },
        )
    english = Client().get("/hub/en/").content.decode()
    assert '<time datetime="2026-11-24T18:30:00Z">' in english  # London is on UTC in November
    assert '<h3 id="delay-repay">Is there compensation for delays?</h3>' in english
    assert "<h1>Trains à l&#x27;arrêt</h1>" in Client().get("/hub/fr/").content.decode()


@pytest.mark.django_db
def test_aftermath_keeps_the_page_and_past_crises_show_only_when_kept_public(
    lead, live_crisis, django_capture_on_commit_callbacks
):
    live_crisis.phase = Phase.AFTERMATH
    live_crisis.save()
    with django_capture_on_commit_callbacks(execute=True):
        flows.deactivate(by=lead)
    live_crisis.phase = Phase.AFTERMATH  # as the playbook's aftermath phase leaves it
    live_crisis.save()
    services.publish()
    page = Client().get("/hub/en/").content.decode()
    assert "The disruption is over" in page and 'id="refunds"' in page
    live_crisis.phase = Phase.CLOSED
    live_crisis.save()
    services.publish()
    assert b"Past incidents" not in Client().get("/hub/en/").content
    HubPage.objects.filter(crisis=live_crisis).update(keep_public=True)
    services.publish()
    calm = Client().get("/hub/en/").content.decode()
    assert "No active incident" in calm and "Past incidents" in calm and "Disruption on the main line" in calm


@pytest.mark.django_db
def test_drill_page_is_for_staff_only(lead, agent, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flows.activate(scenario=scenario, by=lead, drill=True)
    public = Client().get("/hub/")
    assert b"No active incident" in public.content
    assert "Aucun incident en cours" in Client().get("/hub/fr/").content.decode()
    assert b"var m=null;" in Client().get("/hub/banner.js").content
    staff = Client()
    staff.force_login(agent)
    for path, word in (("/hub/", "DRILL"), ("/hub/fr/", "EXERCICE")):
        page = staff.get(path)
        assert word in page.content.decode() and b"noindex" in page.content
        assert page["Cache-Control"] == "private, no-store" and page["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_banner_follows_the_crisis_and_can_be_framed(live_crisis):
    script = Client().get("/hub/banner.js")
    assert script["Content-Type"].startswith("text/javascript") and b"/hub/en/" in script.content
    assert "s-maxage" in script["Cache-Control"]
    frame = Client().get("/hub/fr/banner.html")
    assert "X-Frame-Options" not in frame and b'target="_top"' in frame.content
    assert Client().get("/hub/")["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_only_leads_post_updates(agent, lead, scenario):
    assert api_for(agent).post("/api/v1/hub/updates/", {"body": "x"}).status_code == 403
    assert api_for(lead).post("/api/v1/hub/updates/", {"body": "x"}).status_code == 409  # no crisis yet
    flows.activate(scenario=scenario, by=lead)
    assert api_for(lead).post("/api/v1/hub/updates/", {"body": " "}).status_code == 400


def test_two_publishes_in_one_second_still_change_the_etag(tmp_path):
    target = tmp_path / "index.html"
    services._write_atomically(target, "a" * 10)
    first = int(target.stat().st_mtime)
    services._write_atomically(target, "b" * 10)
    assert int(target.stat().st_mtime) > first
    assert time.time() + 5 > target.stat().st_mtime


@pytest.mark.django_db
def test_next_update_in_the_past_is_still_shown_as_set(lead, live_crisis):
    services.set_page_options(
        crisis=live_crisis, next_update_at=timezone.now() - timedelta(hours=1), keep_public=False
    )
    services.publish()
    assert b"Our next update will be by" in Client().get("/hub/en/").content


@pytest.mark.django_db
def test_two_faq_answers_cannot_share_an_anchor(lead, live_crisis):
    client = Client()
    client.force_login(lead)
    existing = live_crisis.hub_faqs.get(lang="en")
    response = client.post(
        "/hub/edit/?lang=en",
        {
            "action": "faq",
            "faq-TOTAL_FORMS": "2",
            "faq-INITIAL_FORMS": "1",
            "faq-0-id": str(existing.pk),
            "faq-0-order": "0",
            "faq-0-topic": "refunds",
            "faq-0-anchor": "refunds",
            "faq-0-question": existing.question,
            "faq-0-answer": existing.answer,
            "faq-1-order": "1",
            "faq-1-topic": "compensation",
            "faq-1-anchor": "refunds",
            "faq-1-question": "Compensation?",
            "faq-1-answer": "Yes.",
        },
    )
    assert response.status_code == 200 and b"already uses the anchor #refunds" in response.content
    assert live_crisis.hub_faqs.filter(lang="en").count() == 1


@pytest.mark.django_db
def test_scenario_admin_edits_hub_texts_and_faq_templates(hub_scenario):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/playbooks/scenario/{hub_scenario.pk}/change/").content.decode()
    assert "Perturbation sur la ligne principale" in page and "Puis-je être remboursé ?" in page
