"""Serving the published files (one file read, no database, conditional GETs) and subscriptions."""

from __future__ import annotations

import logging
import os
from email.utils import formatdate

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from redis.exceptions import RedisError

from core import netaddr
from core.errors import Unavailable
from core.roles import STAFF, has_role

from . import selectors, services, subscriptions, sync
from .labels import labels_for

logger = logging.getLogger(__name__)

PUBLIC_CACHE = "public, max-age=30, s-maxage=30, stale-while-revalidate=60, stale-if-error=86400"
CONTENT_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "feed.atom": "application/atom+xml; charset=utf-8",
    "hub.json": "application/json; charset=utf-8",
    "banner.js": "text/javascript; charset=utf-8",
    "banner.html": "text/html; charset=utf-8",
}


def _is_staff(request: HttpRequest) -> bool:
    """Only a request with a session can be staff; without one, no session or user lookup at all."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    try:
        return has_role(request.user, STAFF)
    except DatabaseError:
        logger.warning("hub: the database is unreachable; serving the public page to a signed-in user")
        return False


def _open(audience: str, lang: str | None, name: str):
    folder = settings.HUB_ROOT / audience
    if lang:
        folder = folder / lang
    return open(folder / name, "rb")


def _first_copy() -> None:
    """A fresh node's empty folder: render from the database, or in an outage take the copy
    every node shares through Redis (hubpage.sync)."""
    try:
        services.publish()
        return
    except DatabaseError as exc:
        logger.warning("hub: no local copy and the database is unreachable (%s); using the shared copy", exc)
    try:
        sync.install_shared()
    except (RedisError, OSError) as exc:
        logger.error("hub: no local copy, no database, no shared copy (Redis: %s)", exc)


def _serve(request: HttpRequest, name: str, lang: str | None = None) -> HttpResponse:
    audience = services.STAFF if _is_staff(request) else services.PUBLIC
    try:
        handle = _open(audience, lang, name)
    except FileNotFoundError:
        audience = services.PUBLIC
        try:
            handle = _open(audience, lang, name)
        except FileNotFoundError:
            _first_copy()
            try:
                handle = _open(audience, lang, name)
            except FileNotFoundError:
                raise Unavailable(
                    gettext("The page is not published yet. Please try again shortly."),
                    retry_after=settings.UNAVAILABLE_RETRY_AFTER,
                ) from None
    with handle:
        stat = os.fstat(handle.fileno())
        # The same validators nginx sends for the same file: "<mtime hex>-<size hex>".
        etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'
        response = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
        if response is None:
            response = HttpResponse(handle.read(), content_type=CONTENT_TYPES[name])
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(stat.st_mtime, usegmt=True)
    response["Cache-Control"] = PUBLIC_CACHE if audience == services.PUBLIC else "private, no-store"
    if audience == services.STAFF:
        response["X-Robots-Tag"] = "noindex"
    if name.startswith("banner"):
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if name in ("feed.atom", "hub.json"):
        response["Access-Control-Allow-Origin"] = "*"  # partners' apps read them from their own origin
    return response


@require_GET
def hub_page(request: HttpRequest) -> HttpResponse:
    lang = selectors.pick_language(request.headers.get("Accept-Language", ""))
    response = _serve(request, "index.html", lang)
    response["Content-Language"] = lang
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _published(request: HttpRequest, lang: str) -> HttpResponse | None:
    """None for a published language as the URLs spell it ("zh-hans"); a permanent redirect for
    the same tag in other case ("zh-Hans", as BCP 47 writes it); else 404."""
    if lang in selectors.languages():
        return None
    if lang.lower() in selectors.languages():
        prefix = request.path.split(f"/{lang}/", 1)
        return HttpResponsePermanentRedirect(f"{prefix[0]}/{lang.lower()}/{prefix[1]}")
    raise Http404("The hub page is not published in that language.")


@require_GET
def hub_page_in(request: HttpRequest, lang: str) -> HttpResponse:
    return _published(request, lang) or _serve(request, "index.html", lang)


@require_GET
def hub_file(request: HttpRequest, name: str, lang: str | None = None) -> HttpResponse:
    redirect = _published(request, lang) if lang is not None else None
    return redirect or _serve(request, name, lang)


hub_banner = xframe_options_exempt(hub_file)


# --- subscriptions ----------------------------------------------------------------------------
def _client_address(request: HttpRequest) -> str:
    """What the subscription rate limit counts: the client's address as core.netaddr reads it
    (X-Forwarded-For believed from TRUSTED_PROXIES only), an IPv6 address as its /64."""
    return netaddr.rate_key(netaddr.client_ip(request))


def _subscription_page(
    request: HttpRequest,
    lang: str | None,
    *,
    state: str = "",
    error: str = "",
    status: int = 200,
    email: str = "",
) -> HttpResponse:
    """The pages after the form and behind the mailed links, in the subscriber's hub language."""
    lang = selectors.published_language(lang)
    words = labels_for(lang)
    context = {
        "lang": lang,
        "t": words,
        "address": words["sub_address"].format(email=email) if email else "",  # escaped by the template
        "organisation": settings.ORGANISATION_NAME,
        "hub_url": selectors.hub_url(lang=lang),
        "state": state,
        "error": error,
    }
    response = render(request, "hubpage/subscription.html", context, status=status)
    response["Content-Language"] = lang
    return response


def _bad_link(request: HttpRequest, exc: subscriptions.SubscriptionError) -> HttpResponse:
    """A link that names no subscriber: in the language the browser asks for."""
    lang = selectors.pick_language(request.headers.get("Accept-Language", ""))
    response = _subscription_page(request, lang, error=labels_for(lang)[exc.code], status=400)
    patch_vary_headers(response, ["Accept-Language"])
    return response


@csrf_exempt  # see hubpage/subscriptions.py: posted from the static page, it only sends a confirm mail
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    lang = selectors.published_language(request.POST.get("lang"))  # the page the form was on
    try:
        subscriptions.request_subscription(
            email=request.POST.get("email", ""), lang=lang, source=_client_address(request)
        )
    except subscriptions.SubscriptionError as exc:
        status = 429 if isinstance(exc, subscriptions.RateLimited) else 400
        return _subscription_page(request, lang, error=labels_for(lang)[exc.code], status=status)
    return _subscription_page(request, lang, state="check_inbox")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; only a person presses it), POST confirms."""
    try:
        subscriber = (
            subscriptions.confirm(token)
            if request.method == "POST"
            else subscriptions.check_confirm_token(token)
        )
    except subscriptions.SubscriptionError as exc:
        return _bad_link(request, exc)
    state = "confirmed" if request.method == "POST" else "confirm"
    return _subscription_page(request, subscriber.lang, state=state, email=subscriber.email)


# RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without cookies; the signed token is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            subscriber = subscriptions.unsubscribe(token)
        else:
            subscriber = subscriptions.check_unsubscribe_token(token)
    except subscriptions.SubscriptionError as exc:
        return _bad_link(request, exc)
    state = "unsubscribed" if request.method == "POST" else "unsubscribe"
    return _subscription_page(request, subscriber.lang, state=state, email=subscriber.email)
