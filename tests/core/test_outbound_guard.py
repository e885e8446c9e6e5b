"""Every URL a person configures goes through one guarded client: public addresses only,
no redirects, each secret to its own host, and a webhook URL (a credential) never shown."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest

from command import flows
from core import netguard
from core.http import OutboundError, guarded_client, request
from core.telemetry import redact_breadcrumb
from playbooks import notify
from playbooks.models import DeliveryState, Department, NotificationDelivery
from social.connectors import get_connector, registry
from tests.factories import PlatformAccountFactory
from tests.platform_api import Answer, PlatformAPI

CANARY = "CANARY-7f3a91-webhook-secret"


@pytest.fixture
def production(settings):
    """Outbound calls as in production: private addresses refused (conftest allows them)."""
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = False
    return settings


@pytest.fixture
def fresh_registry():
    registry.reset()
    yield
    registry.reset()


def call(url: str, **kwargs) -> httpx.Response:
    with guarded_client() as client:
        return request(client, "POST", url, json={"text": "hello"}, **kwargs)


# --- which addresses are public -----------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.9.9.9",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:8.8.8.8",  # IPv4-mapped: refused whatever it maps to
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
        "2001:db8::1",
        "not an address",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_public(address):
    assert not netguard.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert netguard.is_public(address)


# --- refusals, before any connection --------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hook",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::1]:{port}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://localhost:{port}/hook",  # a name that resolves to loopback
        "http://0.0.0.0:{port}/hook",
    ],
)
def test_internal_addresses_are_refused_and_never_reached(production, url):
    with PlatformAPI() as api:
        api.always("POST", "/hook", Answer(200, {"ok": True}))
        port = api.url.rsplit(":", 1)[1]
        started = time.monotonic()
        with pytest.raises(OutboundError, match=r"refused: .* not a public address") as refused:
            call(url.format(port=port))
        assert not api.requests
    assert not refused.value.transient  # not worth retrying
    assert time.monotonic() - started < 2  # refused, not timed out


def test_a_name_resolving_to_a_private_address_is_refused(production, monkeypatch):
    answers = {"hooks.internal.example": ["10.20.30.40"], "mixed.example": ["93.184.215.14", "10.0.0.7"]}

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    for host in answers:  # one private answer among public ones is enough to refuse
        with pytest.raises(OutboundError, match=f"refused: {host} is not a public address"):
            call(f"https://{host}/services/T1/B2/{CANARY}")


def test_the_connection_goes_to_the_address_that_was_checked(production, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and that address is connected to;
    a second answer (127.0.0.1) is never asked for."""
    lookups, connected = [], []

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        ip = "93.184.215.14" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("no route in the test")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(OutboundError, match=r"cannot reach https://rebind\.example/…"):
        call("https://rebind.example/hook")
    assert lookups == ["rebind.example"]
    assert connected == [("93.184.215.14", 443)]


def test_only_http_and_https_are_called():
    with pytest.raises(OutboundError, match="not an http"), guarded_client() as client:
        client.get("ftp://files.example/x")


# --- redirects -----------------------------------------------------------------------------
def test_a_redirect_to_an_internal_address_is_not_followed_even_when_asked(production):
    # The settings fixture turns private hosts back on for this one: both servers are local.
    production.OUTBOUND_ALLOW_PRIVATE_HOSTS = True
    with PlatformAPI() as hook, PlatformAPI() as internal:
        internal.always("GET", "/latest/meta-data/", Answer(200, {"secret": "role-credentials"}))
        target = f"{internal.url}/latest/meta-data/"
        hook.always("POST", "/hook", Answer(302, {}, {"Location": target}))
        hook.always("GET", "/api", Answer(307, {}, {"Location": target}))
        with pytest.raises(OutboundError, match=r"HTTP 302: redirected to http://127\.0\.0\.1:\d+/…"):
            call(f"{hook.url}/hook")
        with guarded_client(credential_hosts=["127.0.0.1"]) as client:
            response = client.get(
                f"{hook.url}/api", headers={"Authorization": "Bearer t0ken"}, follow_redirects=True
            )
        assert response.status_code == 307
        assert not internal.requests


# --- each secret goes to its own host --------------------------------------------------------
def test_credentials_go_only_to_the_hosts_they_are_bound_to():
    with PlatformAPI() as api:
        api.always("GET", "/v1/me", Answer(200, {}))
        with guarded_client(credential_hosts=["api.example.org"]) as client:
            for extra in (
                {"headers": {"Authorization": "Bearer t0ken"}},
                {"params": {"access_token": "t0ken"}},
                {"auth": ("id", "secret")},
                {"extensions": {"credentials": True}},
            ):
                refused = r"credentials for api\.example\.org are not sent to 127"
                with pytest.raises(OutboundError, match=refused):
                    request(client, "GET", f"{api.url}/v1/me", **extra)
            request(client, "GET", f"{api.url}/v1/me")  # nothing secret: any public host
        assert len(api.requests) == 1 and "authorization" not in api.requests[0].headers


@pytest.mark.django_db
def test_the_mastodon_token_never_reaches_an_instance_set_in_the_admin(monkeypatch, fresh_registry):
    with PlatformAPI() as issued_by, PlatformAPI() as set_in_admin:
        for server in (issued_by, set_in_admin):
            server.always("GET", "/api/v1/notifications", Answer(200, []))
        # The token belongs to the server in the environment ("localhost"); an admin points
        # the account at another one.
        monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "mastodon-t0ken")
        monkeypatch.setenv("MASTODON_INSTANCE_URL", issued_by.url.replace("127.0.0.1", "localhost"))
        account = PlatformAccountFactory(
            platform="mastodon", handle="northline", instance_url=set_in_admin.url
        )
        connector = get_connector("mastodon")
        with pytest.raises(OutboundError, match=r"credentials for localhost are not sent to 127\.0\.0\.1"):
            connector.mentions_since("")
        assert not set_in_admin.requests
        # Pointed back at the server that issued it, the token goes there.
        account.instance_url = issued_by.url.replace("127.0.0.1", "localhost")
        account.save()
        registry.reset()
        get_connector("mastodon").mentions_since("")
    assert [r.headers["authorization"] for r in issued_by.requests] == ["Bearer mastodon-t0ken"]


@pytest.mark.django_db
def test_mastodon_needs_the_instance_its_token_was_issued_by(monkeypatch, fresh_registry):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "mastodon-t0ken")
    monkeypatch.delenv("MASTODON_INSTANCE_URL", raising=False)
    PlatformAccountFactory(platform="mastodon", handle="northline", instance_url="https://m.example")
    assert get_connector("mastodon").__class__.__name__ == "DemoConnector"


@pytest.mark.django_db
def test_the_bluesky_password_never_reaches_a_pds_set_in_the_admin(monkeypatch, fresh_registry):
    with PlatformAPI() as set_in_admin:
        set_in_admin.always("POST", "/xrpc/com.atproto.server.createSession", Answer(200, {}))
        monkeypatch.setenv("BLUESKY_APP_PASSWORD", "app-pass-w0rd")
        monkeypatch.setenv("BLUESKY_SERVICE", "https://bsky.social")
        PlatformAccountFactory(
            platform="bluesky", handle="northline.bsky.social", instance_url=set_in_admin.url
        )
        with pytest.raises(OutboundError, match=r"credentials for bsky\.social are not sent to 127\.0\.0\.1"):
            get_connector("bluesky").session()
        assert not set_in_admin.requests


# --- a webhook URL is a credential: never shown ------------------------------------------------
def test_a_url_is_shown_as_its_scheme_and_host_only():
    assert (
        netguard.redact_url(f"https://hooks.slack.com/services/T0/B0/{CANARY}") == "https://hooks.slack.com/…"
    )
    assert netguard.redact_url(f"https://user:{CANARY}@hooks.example:8443/?sig={CANARY}") == (
        "https://hooks.example:8443/…"
    )
    assert netguard.redact_url("https://hooks.example") == "https://hooks.example"
    assert netguard.redact_url("not a url") == "[a URL]"
    url = f"https://hooks.example/workflows/{CANARY}?sig=abcd1234"
    text = netguard.redact(f"failed: {url} said /workflows/{CANARY}?sig=abcd1234", [url])
    assert CANARY not in text and "abcd1234" not in text


@pytest.fixture
def silent_webhook():
    """A webhook host that accepts the connection and never answers (a timeout)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.django_db
def test_a_timed_out_webhook_shows_staff_and_logs_only_its_host(
    settings, client, lead, scenario, silent_webhook, monkeypatch, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(notify, "WEBHOOK_TIMEOUT", httpx.Timeout(0.2))
    caplog.set_level(logging.DEBUG)
    Department.objects.filter(name="Legal").update(
        chat_webhook_url=f"{silent_webhook}/services/T1/B2/{CANARY}"
    )
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    notify.notify_departments(crisis.pk)
    chat = NotificationDelivery.objects.get(crisis=crisis, channel="chat")
    assert chat.state == DeliveryState.FAILED and chat.attempts == notify.WEBHOOK_ATTEMPTS
    assert chat.error == f"timed out: POST {silent_webhook}/…"
    client.force_login(lead)
    page = client.get(f"/playbooks/crises/{crisis.pk}/departments/").content.decode()
    assert f"timed out: POST {silent_webhook}/…" in page
    assert CANARY not in page
    assert "timed out" in caplog.text and CANARY not in caplog.text


def test_sentry_breadcrumbs_name_outbound_urls_by_host_only():
    crumb = {"type": "http", "data": {"url": f"https://hooks.slack.com/services/{CANARY}", "http.query": "x"}}
    assert redact_breadcrumb(crumb)["data"] == {"url": "https://hooks.slack.com/…"}


@pytest.mark.django_db
def test_the_department_admin_takes_a_webhook_url_and_never_shows_it_back(admin_client):
    legal = Department.objects.create(name="Legal desk")
    url = f"/admin/playbooks/department/{legal.pk}/change/"
    form = {
        "name": "Legal desk",
        "order": 0,
        "chat_format": "slack",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "new_chat_webhook_url": f"https://hooks.slack.com/services/T1/B2/{CANARY}",
    }
    assert admin_client.post(url, form).status_code == 302
    legal.refresh_from_db()
    assert legal.chat_webhook_url.endswith(CANARY)
    page = admin_client.get(url).content.decode()
    assert "Saved: https://hooks.slack.com/… (hidden)" in page and CANARY not in page
    assert CANARY not in admin_client.get("/admin/playbooks/department/").content.decode()
    # Saved again without a new URL: kept. Ticking "remove": gone.
    assert admin_client.post(url, {**form, "new_chat_webhook_url": ""}).status_code == 302
    legal.refresh_from_db()
    assert legal.chat_webhook_url.endswith(CANARY)
    admin_client.post(url, {**form, "new_chat_webhook_url": "", "remove_chat_webhook": "on"})
    legal.refresh_from_db()
    assert legal.chat_webhook_url == ""


@pytest.mark.django_db
def test_an_internal_webhook_or_instance_url_is_refused_where_it_is_typed(admin_client, production):
    legal = Department.objects.create(name="Legal desk")
    form = {
        "name": "Legal desk",
        "order": 0,
        "chat_format": "slack",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "new_chat_webhook_url": "http://169.254.169.254/latest/meta-data/",
    }
    page = admin_client.post(f"/admin/playbooks/department/{legal.pk}/change/", form)
    assert page.status_code == 200 and "169.254.169.254 is not a public address" in page.content.decode()
    legal.refresh_from_db()
    assert legal.chat_webhook_url == ""
    account = {"platform": "mastodon", "handle": "northline", "instance_url": "http://localhost:3000"}
    page = admin_client.post("/admin/social/platformaccount/add/", account)
    assert page.status_code == 200 and "localhost is not a public address" in page.content.decode()
    # A name that does not resolve yet is taken: the call checks again when it is made.
    assert netguard.refusal("https://hooks.not-yet.invalid/x") is None
    assert netguard.refusal("ftp://hooks.example/x") == "only http:// and https:// URLs can be called"


def test_a_url_that_cannot_be_parsed_is_a_plain_refusal_without_the_url():
    with pytest.raises(OutboundError, match="not a URL that can be called") as refused:
        call(f"https://hooks.example:abc/{CANARY}")
    assert CANARY not in str(refused.value) and not refused.value.transient
