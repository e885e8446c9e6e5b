"""Email subscriptions: double opt-in with signed links, one-click unsubscribe (RFC 8058).

The subscribe form sits on the static page, which cannot carry a per-visitor CSRF token.
Its endpoint is therefore CSRF-exempt, and safe to be: it changes nothing a forged request
could profit from. It only ever sends one confirmation mail to the typed address (at most one
per address per CONFIRM_RESEND, and SOURCE_LIMIT new requests per source an hour); the
subscription starts only when the link in that mail is followed and its button pressed.
"""

from __future__ import annotations

import hashlib
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .labels import labels_for
from .models import HubUpdate, Subscriber
from .render import plain_text

MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)

CONFIRM_SALT, UNSUBSCRIBE_SALT = "hubpage.confirm", "hubpage.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
CONFIRM_RESEND = timedelta(minutes=10)
SOURCE_LIMIT = 10


class SubscriptionError(ValueError):
    """A refusal the visitor reads: code is its key in the labels, the message is for logs."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class RateLimited(SubscriptionError):
    pass


def source_hash(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=UNSUBSCRIBE_SALT)


def confirm_url(subscriber: Subscriber) -> str:
    return f"{settings.PUBLIC_BASE_URL}/hub/subscribe/confirm/{confirm_token(subscriber)}/"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return f"{settings.PUBLIC_BASE_URL}/hub/unsubscribe/{unsubscribe_token(subscriber)}/"


def request_subscription(*, email: str, lang: str | None, source: str) -> Subscriber | None:
    """Record the request and queue a confirmation mail. Returns None when nothing needed sending.

    Answers the same way whether the address was known or not, so the form reveals nothing.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise SubscriptionError("err_email", "that does not look like an email address") from None
    lang = selectors.published_language(lang)
    now, origin = timezone.now(), source_hash(source)
    recent = Subscriber.objects.filter(source_hash=origin, last_request_at__gte=now - timedelta(hours=1))
    if recent.count() >= SOURCE_LIMIT:
        raise RateLimited("err_rate", "too many subscription requests from here; try again in an hour")
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"lang": lang, "created_at": now}
        )
        subscriber.source_hash, subscriber.last_request_at = origin, now
        if subscriber.active or (
            subscriber.confirm_sent_at and subscriber.confirm_sent_at > now - CONFIRM_RESEND
        ):
            subscriber.save(update_fields=["source_hash", "last_request_at"])
            return None
        subscriber.lang, subscriber.confirm_sent_at = lang, now
        subscriber.confirmed_at = subscriber.unsubscribed_at = None
        subscriber.save()

        transaction.on_commit(lambda: send_confirmation.delay(subscriber.pk), robust=True)
    return subscriber


def _load(token: str, salt: str, max_age: timedelta | None = None) -> Subscriber:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise SubscriptionError("err_expired", "this link has expired") from None
    except signing.BadSignature:
        raise SubscriptionError("err_invalid", "this link is not valid") from None
    subscriber = Subscriber.objects.filter(pk=data.get("id"), email=data.get("email")).first()
    if subscriber is None:
        raise SubscriptionError("err_invalid", "this link is not valid")
    return subscriber


def check_confirm_token(token: str) -> Subscriber:
    return _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def check_unsubscribe_token(token: str) -> Subscriber:
    return _load(token, UNSUBSCRIBE_SALT)


def confirm(token: str) -> Subscriber:
    subscriber = check_confirm_token(token)
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        subscriber.confirmed_at, subscriber.unsubscribed_at = timezone.now(), None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


def unsubscribe(token: str) -> Subscriber:
    subscriber = check_unsubscribe_token(token)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


# --- the mails ------------------------------------------------------------------------------
# Framed in the subscriber's language (labels.py, as the page); an update's own text stays in the
# language it was written in, marked as such when that differs (see selectors.update_audience).
def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    lang = selectors.published_language(subscriber.lang)
    words, organisation = labels_for(lang), settings.ORGANISATION_NAME
    context = {
        "t": words,
        "asked": words["mail_confirm_asked"].format(organisation=organisation),
        "confirm_url": confirm_url(subscriber),
        "hub_url": selectors.hub_url(lang=lang),
    }
    return EmailMultiAlternatives(
        subject=words["mail_confirm_subject"].format(organisation=organisation),
        body=render_to_string("hubpage/mail/confirm.txt", context),
        to=[subscriber.email],
        headers={"Content-Language": lang},
    )


def update_message(subscriber: Subscriber, *, update: HubUpdate, title: str) -> EmailMultiAlternatives:
    """title: the crisis's title on the subscriber's page (selectors.page_title)."""
    lang = selectors.published_language(subscriber.lang)
    words, leave = labels_for(lang), unsubscribe_url(subscriber)
    context = {
        "lang": lang,
        "t": words,
        "title": title,
        "text": plain_text(update.body_html),
        "html": update.body_html,
        "body_lang": "" if update.lang == lang else update.lang,
        "url": selectors.hub_url(lang=lang, anchor=f"update-{update.pk}"),
        "unsubscribe_url": leave,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(
            words["mail_update_subject"].format(organisation=settings.ORGANISATION_NAME, title=title).split()
        ),
        body=render_to_string("hubpage/mail/update.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": lang,
        },
    )
    message.attach_alternative(render_to_string("hubpage/mail/update.html", context), "text/html")
    return message


@shared_task(
    name="hubpage.tasks.send_confirmation",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_confirmation(subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True).first()
    if subscriber is None:
        return False  # confirmed meanwhile, or gone: nothing to send
    confirmation_message(subscriber).send()
    return True
