import logging

import pytest
from django.contrib.auth import get_user_model

from social import health
from social.connectors import get_connector
from social.connectors.demo import DemoConnector
from social.connectors.mastodon import MastodonConnector
from social.connectors.registry import reset
from tests.factories import PlatformAccountFactory

PAGE = "/social/health/"


@pytest.fixture
def fresh_registry():
    reset()
    yield
    reset()


@pytest.mark.django_db
def test_lead_sees_each_connector_state_errors_rate_limits_and_reconnects(client, lead, monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "mastodon-secret-value")
    monkeypatch.setenv("MASTODON_INSTANCE_URL", "https://m.example")
    PlatformAccountFactory(platform="mastodon", handle="northline", instance_url="https://m.example")
    health.record_events("mastodon", 12)
    health.record_error("bluesky", "stream: jetstream connection lost <script>x</script>")
    health.record_rate_limit("reddit", retry_after=120)
    health.record_reconnect("bluesky")
    client.force_login(lead)
    page = client.get(PAGE).content.decode()
    table = client.get("/social/health/table/").content.decode()
    assert table.strip() in page
    mastodon = row(page, "mastodon")
    assert "Live" in mastodon and "@northline" in mastodon and "12 in all" in mastodon
    bluesky = row(page, "bluesky")
    assert "Demo" in bluesky and "BLUESKY_APP_PASSWORD" in bluesky
    assert "jetstream connection lost &lt;script&gt;" in bluesky
    assert "Limited" in row(page, "reddit")
    assert "mastodon-secret-value" not in page


def row(page: str, platform: str) -> str:
    start = page.index(f'id="health-{platform}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_agents_and_volunteers_cannot_open_the_health_page(client, agent, volunteer):
    for user in (agent, volunteer):
        client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert client.get("/social/health/table/").status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


@pytest.mark.django_db
def test_platform_without_credentials_falls_back_to_demo_and_says_so(monkeypatch, caplog, fresh_registry):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)
    with caplog.at_level(logging.WARNING):
        assert isinstance(get_connector("mastodon"), DemoConnector)
    assert "mastodon: no credentials configured, using the demo connector" in caplog.text
    reset()
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "tok")
    monkeypatch.setenv("MASTODON_INSTANCE_URL", "https://m.example")
    PlatformAccountFactory(platform="mastodon", handle="northline", instance_url="https://m.example")
    connector = get_connector("mastodon")
    assert isinstance(connector, MastodonConnector) and connector.base_url == "https://m.example"


@pytest.mark.django_db
def test_account_admin_names_the_environment_variables_never_their_values(client, monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "visible-id-should-not-show")
    account = PlatformAccountFactory(platform="reddit", handle="northline_care")
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root"))
    page = client.get(f"/admin/social/platformaccount/{account.pk}/change/").content.decode()
    assert "REDDIT_CLIENT_ID</code> set" in page
    assert "REDDIT_CLIENT_SECRET</code> NOT SET" in page
    assert "visible-id-should-not-show" not in page
