"""Webhook endpoints for X (Account Activity) and Meta (Pages, Instagram).

Order matters: the signature over the raw body is checked before anything is parsed
or stored (forged or unsigned: 403/401, nothing stored); then replays (the same bytes
again) and stale deliveries are refused; then the payload is parsed, and anything
malformed answers 400 with the reason, logged and counted in the connector's health.
The mentions of one delivery go to triage as one batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from social import credentials, health, receipts
from social.connectors import OutboundError, get_connector
from social.connectors import meta as meta_api
from social.connectors import x as x_api
from triage import ingest
from triage.services import dismiss_removed

logger = logging.getLogger(__name__)


def _refuse(platform: str, status: int, reason: str) -> JsonResponse:
    logger.warning("%s webhook refused (%s): %s", platform, status, reason)
    health.record_error(platform, f"webhook refused: {reason}")
    return JsonResponse({"error": reason}, status=status)


def _parse(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))


def _stale(seconds: list[float]) -> bool:
    """Every timestamp the platform gave is older than a legitimate retry could be."""
    return bool(seconds) and max(seconds) < time.time() - settings.WEBHOOK_MAX_AGE_S


def _first_delivery(hook: str, body: bytes) -> bool:
    """The same bytes again are a replay (call inside the transaction that stores them)."""
    digest = hashlib.sha256(body).hexdigest()
    return receipts.first_delivery(hook, digest, keep_seconds=max(settings.WEBHOOK_MAX_AGE_S, 60))


def _store(
    platform: str,
    body: bytes,
    mentions: list[dict[str, Any]],
    *,
    hook: str,
    removed: list[str] = (),
    removed_platform: str = "",
) -> JsonResponse:
    """One transaction: the receipt, the dismissals and the batch commit together, so a replay
    stores nothing and a failed store leaves no receipt behind (the platform's retry is taken)."""
    try:
        with transaction.atomic():
            if not _first_delivery(hook, body):
                return JsonResponse({"accepted": 0, "duplicate": True})
            if removed:
                dismissed = dismiss_removed(platform=removed_platform or platform, external_ids=removed)
                logger.info(
                    "%s: %s posts removed by their authors, %s mentions dismissed",
                    platform,
                    len(removed),
                    dismissed,
                )
            batch = ingest.accept_batch(mentions, source=f"webhook:{platform}") if mentions else None
    except ingest.IngestError as exc:
        return _refuse(platform, 400, f"payload did not make valid mentions: {exc.message}")
    if batch is None:
        return JsonResponse({"accepted": 0})
    health.record_events(platform, len(mentions))
    return JsonResponse({"accepted": len(mentions), "batch": batch.pk})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def x_webhook(request: HttpRequest) -> HttpResponse:
    secret = credentials.secret("x", "consumer_secret", required=False)
    if not secret:
        return _refuse("x", 503, "X_CONSUMER_SECRET is not set: X webhooks are off")
    if request.method == "GET":
        token = request.GET.get("crc_token", "")
        if not token:
            return _refuse("x", 400, "crc_token is missing")
        return JsonResponse(x_api.crc_response(token, secret))
    body = request.body
    header = request.headers.get(x_api.SIGNATURE_HEADER)
    if not header:
        return _refuse("x", 401, f"{x_api.SIGNATURE_HEADER} header is missing")
    if not x_api.signature_valid(body, header, secret):
        return _refuse("x", 403, "signature does not match the body")
    try:
        payload = _parse(body)
        if _stale([ms / 1000 for ms in x_api.event_times_ms(payload)]):
            return _refuse("x", 400, "stale delivery: its events are older than WEBHOOK_MAX_AGE_S")
        mentions = x_api.normalise(payload)
        removed = x_api.deleted_ids(payload)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return _refuse("x", 400, f"malformed X delivery: {exc.__class__.__name__}: {exc}")
    return _store("x", body, mentions, hook="x", removed=removed)


def _instagram_lookups(payload: Any) -> list[dict[str, Any]]:
    """Instagram mentions arrive as ids: read each comment through the Graph API."""
    wanted = meta_api.instagram_mentions(payload)
    if not wanted:
        return []
    connector = get_connector("instagram")
    if not hasattr(connector, "mentioned_comment"):
        logger.warning("instagram: %s mentions received but META_PAGE_ACCESS_TOKEN is not set", len(wanted))
        return []
    found = []
    for account_id, comment_id in wanted:
        try:
            mention = connector.mentioned_comment(account_id, comment_id)
        except OutboundError as exc:
            health.record_error("instagram", f"reading mention {comment_id}: {exc}")
            continue
        if mention:
            found.append(mention)
    return found


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        challenge = meta_api.verify_subscription(
            request.GET.dict(), credentials.secret("meta", "verify_token", required=False)
        )
        if challenge is None:
            return _refuse("facebook", 403, "hub.verify_token does not match META_VERIFY_TOKEN")
        return HttpResponse(challenge, content_type="text/plain")
    secret = credentials.secret("meta", "app_secret", required=False)
    if not secret:
        return _refuse("facebook", 503, "META_APP_SECRET is not set: Meta webhooks are off")
    body = request.body
    header = request.headers.get(meta_api.SIGNATURE_HEADER)
    if not header:
        return _refuse("facebook", 401, f"{meta_api.SIGNATURE_HEADER} header is missing")
    if not meta_api.signature_valid(body, header, secret):
        return _refuse("facebook", 403, "signature does not match the body")
    try:
        payload = _parse(body)
        if not isinstance(payload, dict) or payload.get("object") not in ("page", "instagram"):
            raise ValueError("object must be page or instagram")
        times = [t for entry in payload.get("entry") or [] if (t := meta_api.entry_seconds(entry))]
        if _stale(times):
            return _refuse("facebook", 400, "stale delivery: its entries are older than WEBHOOK_MAX_AGE_S")
        mentions = meta_api.normalise(payload)
        removed = meta_api.removed_comments(payload)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return _refuse("facebook", 400, f"malformed Meta delivery: {exc.__class__.__name__}: {exc}")
    mentions += _instagram_lookups(payload)
    platform = "facebook" if payload["object"] == "page" else "instagram"
    return _store(platform, body, mentions, hook="meta", removed=removed, removed_platform="facebook")
