"""Email subscription: double opt-in, notifications in batches, one-click unsubscribe."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from command import flows
from hubpage import services, subscriptions, tasks
from hubpage.models import HubUpdate, Subscriber


def confirm_link(mail) -> str:
    return re.search(r"http://localhost:8000(/hub/subscribe/confirm/[^/\s]+/)", mail.body).group(1)


def subscribe(email="kate@example.org", lang="en", ip="203.0.113.7", client=None):
    client = client or Client(enforce_csrf_checks=True)  # the static page has no CSRF token to send
    return client.post("/hub/subscribe/", {"email": email, "lang": lang}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_double_opt_in_needs_the_link_and_a_button_press(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = subscribe()
    assert response.status_code == 200 and b"Check your inbox" in response.content
    assert len(queued) == 1  # the confirmation mail goes through Celery after commit
    subscriber = Subscriber.objects.get()
    assert not subscriber.active
    subscriptions.send_confirmation(subscriber.pk)
    link = confirm_link(mailoutbox[0])
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)  # a mail scanner following the link confirms nothing
    assert b"Confirm my subscription" in page.content
    subscriber.refresh_from_db()
    assert not subscriber.active
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    assert browser.post(link).status_code == 403  # the confirm button is CSRF-protected
    assert b"Confirmed" in browser.post(link, {"csrfmiddlewaretoken": token}).content
    subscriber.refresh_from_db()
    assert subscriber.active and subscriber.lang == "en"


@pytest.mark.django_db
def test_asking_again_sends_no_second_mail_and_reveals_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        first, again = subscribe(), subscribe()
    assert first.content == again.content and len(queued) == 1
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize(("email", "status"), [("not-an-address", 400), ("", 400)])
@pytest.mark.django_db
def test_bad_addresses_get_a_clear_error(email, status):
    response = subscribe(email=email)
    assert response.status_code == status and b"does not look like an email address" in response.content
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_one_source_cannot_flood_addresses_with_confirmation_mails():
    for i in range(subscriptions.SOURCE_LIMIT):
        assert subscribe(email=f"p{i}@example.org").status_code == 200
    assert subscribe(email="one.more@example.org").status_code == 429
    assert subscribe(email="one.more@example.org", ip="198.51.100.1").status_code == 200


def _post(client, email: str, peer: str, forwarded: str = "", **headers):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/hub/subscribe/", {"email": email}, REMOTE_ADDR=peer, **extra, **headers)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(settings):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    client = Client(enforce_csrf_checks=True)
    for i in range(subscriptions.SOURCE_LIMIT):
        _post(client, f"p{i}@example.org", "172.18.0.5", "203.0.113.9")
    assert _post(client, "x@example.org", "172.18.0.5", "203.0.113.9").status_code == 429
    assert _post(client, "y@example.org", "172.18.0.5", "198.51.100.4").status_code == 200
    # The visitor's own X-Forwarded-For entries, left of what the proxy appended, change nothing.
    assert _post(client, "z@example.org", "172.18.0.5", "10.9.9.9, 203.0.113.9").status_code == 429


@pytest.mark.django_db
def test_a_visitor_cannot_pick_their_address_with_headers(settings):
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    client = Client(enforce_csrf_checks=True)
    for i in range(subscriptions.SOURCE_LIMIT + 1):
        spoofed = _post(
            client, f"s{i}@example.org", "81.2.69.160", f"10.0.0.{i}", HTTP_X_REAL_IP=f"10.0.1.{i}"
        )
    assert spoofed.status_code == 429
    # Not trusted, even from a private address: nginx's X-Real-IP is no longer read at all.
    for i in range(subscriptions.SOURCE_LIMIT + 1):
        spoofed = _post(client, f"t{i}@example.org", "192.168.1.7", HTTP_X_REAL_IP=f"203.0.113.{i}")
    assert spoofed.status_code == 429


@pytest.mark.django_db
def test_ipv6_visitors_are_counted_per_64():
    client = Client(enforce_csrf_checks=True)
    for i in range(subscriptions.SOURCE_LIMIT):
        assert _post(client, f"v{i}@example.org", f"2001:db8:1:2::{i + 1:x}").status_code == 200
    assert _post(client, "w@example.org", "2001:db8:1:2:ffff::9").status_code == 429
    assert _post(client, "w@example.org", "2001:db8:1:3::1").status_code == 200


@pytest.mark.django_db
def test_tampered_or_expired_links_are_refused():
    subscribe()
    subscriber = Subscriber.objects.get()
    good = subscriptions.confirm_token(subscriber)
    assert Client().get(f"/hub/subscribe/confirm/{good[:-2]}xx/").status_code == 400
    other_salt = signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt="hubpage.unsubscribe")
    assert Client().post(f"/hub/subscribe/confirm/{other_salt}/").status_code == 400


@pytest.fixture
def confirmed(db):
    now = timezone.now()
    return [
        Subscriber.objects.create(email=f"s{i}@example.org", lang=lang, created_at=now, confirmed_at=now)
        for i, lang in enumerate(["en", "en", "en", "fr"])
    ]


@pytest.mark.django_db
def test_each_update_is_mailed_in_batches_with_one_click_unsubscribe(
    lead, scenario, confirmed, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.HUB_NOTIFY_BATCH = 2
    flows.activate(scenario=scenario, by=lead)

    with django_capture_on_commit_callbacks() as queued:
        update = services.post_update(body="Buses run **every 10 minutes**.", by=lead)
    assert len(queued) == 2  # publish, then the notification task
    with django_capture_on_commit_callbacks() as next_batch:
        assert tasks.notify_subscribers(update.pk) == 2
    assert len(next_batch) == 1  # a full batch queues the next one
    # The French subscriber too: there is no French update yet, so her page shows this one.
    assert tasks.notify_subscribers(update.pk) == 2
    assert tasks.notify_subscribers(update.pk) == 0  # run again: nobody is mailed twice
    assert sorted(m.to[0] for m in mailoutbox) == [f"s{i}@example.org" for i in range(4)]
    mail = mailoutbox[0]
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<http://localhost:8000(/hub/unsubscribe/[^>]+/)>", mail.extra_headers["List-Unsubscribe"]
    )
    assert "every 10 minutes" in mail.body and f"#update-{update.pk}" in mail.body
    path = unsubscribe.group(1)
    assert b"Unsubscribe" in Client().get(path).content  # GET only asks
    assert Subscriber.objects.get(email=mail.to[0]).active
    # RFC 8058: the mail provider POSTs this body, without cookies or CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert not Subscriber.objects.get(email=mail.to[0]).active


@pytest.mark.django_db
def test_a_drill_mails_nobody(lead, scenario, confirmed, mailoutbox, django_capture_on_commit_callbacks):
    flows.activate(scenario=scenario, by=lead, drill=True)
    with django_capture_on_commit_callbacks() as queued:
        update = services.post_update(body="Drill update", by=lead)
    assert len(queued) == 1  # only the publish
    assert tasks.notify_subscribers(update.pk) == 0 and not mailoutbox
    assert HubUpdate.objects.get().notified_upto == 0
