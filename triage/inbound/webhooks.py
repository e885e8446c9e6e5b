"""Webhook endpoints for X (Account Activity) and Meta (Pages, Instagram).

Order matters: the signature over the raw body is checked before anything is parsed
or stored (forged or unsigned: 403/401, nothing stored); then replays (the same bytes
again) and stale deliveries are refused; then the payload is parsed, and anything
malformed answers 400 with the reason, logged and counted in the connector's health.
The mentions of one delivery go to triage as one batch.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core import jsonbody, metrics, ratelimit
from social import credentials, health, receipts
from social.connectors import OutboundError, get_connector
from social.connectors import meta as meta_api
from social.connectors import x as x_api
from triage import ingest
from triage.services import dismiss_removed

logger = logging.getLogger(__name__)

LOG_LINES_PER_MINUTE = 5  # refused calls logged per platform and minute; the rest are counted only
CRC_PER_MINUTE_PER_ADDRESS = 5  # X checks about once an hour, and when the webhook is registered
CRC_PER_MINUTE = 30


def _refuse(platform: str, status: int, reason: str) -> JsonResponse:
    """A genuine delivery that cannot be used: logged and counted on the health page."""
    logger.warning("%s webhook refused (%s): %s", platform, status, reason)
    health.record_error(platform, f"webhook refused: {reason}")
    return JsonResponse({"error": reason}, status=status)


def unauthenticated(
    platform: str, status: int, reason: str, request: HttpRequest, *, key: str = "error"
) -> JsonResponse:
    """Anyone can call a webhook: what fails authentication writes no row and leaves the
    health page alone (a flood must not turn into writes). It is counted (the metric
    webhook_refused, by platform and status: one Redis increment) and logged at most a few
    times a minute."""
    metrics.count("webhook_refused", platform=platform, status=str(status))
    if ratelimit.within_limit(f"log:webhook:{platform}", limit=LOG_LINES_PER_MINUTE):
        logger.warning(
            "%s webhook refused (%s) from %s: %s", platform, status, request.META.get("REMOTE_ADDR"), reason
        )
    return JsonResponse({key: reason}, status=status)


def body_within_limit(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is larger than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return None
    try:
        return request.body
    except RequestDataTooBig:
        return None


def _payload_too_large(platform: str, request: HttpRequest) -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return unauthenticated(platform, 413, f"the body is larger than {limit} bytes", request)


def _parse(body: bytes) -> Any:
    return jsonbody.loads(body.decode("utf-8"))


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
    stores nothing and a failed store leaves no receipt behind (the platform's retry is taken).
    The platform signed it, so it is genuine: a bad item is set aside (health page) and the rest
    stored; refusing the delivery would make the platform retry, and lose, them all."""
    mentions = ingest.set_aside_invalid(mentions, platform=platform, source=f"webhook:{platform}")
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


def _crc(request: HttpRequest, secret: str) -> JsonResponse:
    """X's challenge-response check. The answer is an HMAC with the key that signs
    deliveries, so only tokens shaped like X's are answered (x_api.CRC_TOKEN: never a JSON
    object, so never a delivery's body) and only a few times a minute."""
    token = request.GET.get("crc_token", "")
    if not x_api.crc_token_valid(token):
        return unauthenticated("x", 400, "crc_token must be 8 to 128 letters, digits or -_=+/", request)
    peer = request.META.get("REMOTE_ADDR", "")
    if not (
        ratelimit.within_limit(f"crc:x:{peer}", limit=CRC_PER_MINUTE_PER_ADDRESS)
        and ratelimit.within_limit("crc:x", limit=CRC_PER_MINUTE)
    ):
        response = unauthenticated(
            "x", 429, "too many challenge-response checks; try again in a minute", request
        )
        response["Retry-After"] = "60"
        return response
    return JsonResponse(x_api.crc_response(token, secret))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def x_webhook(request: HttpRequest) -> HttpResponse:
    secret = credentials.secret("x", "consumer_secret", required=False)
    if not secret:  # anyone may call: answered, counted, never written down
        return unauthenticated("x", 503, "X_CONSUMER_SECRET is not set: X webhooks are off", request)
    if request.method == "GET":
        return _crc(request, secret)
    body = body_within_limit(request)
    if body is None:
        return _payload_too_large("x", request)
    header = request.headers.get(x_api.SIGNATURE_HEADER)
    if not header:
        return unauthenticated("x", 401, f"{x_api.SIGNATURE_HEADER} header is missing", request)
    if not x_api.signature_valid(body, header, secret):
        return unauthenticated("x", 403, "signature does not match the body", request)
    try:
        payload = _parse(body)
        if _stale([ms / 1000 for ms in x_api.event_times_ms(payload)]):
            # An old delivery sent again is a replay: refused like a forgery, never written down.
            reason = "stale delivery: its events are older than WEBHOOK_MAX_AGE_S"
            return unauthenticated("x", 400, reason, request)
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
            return unauthenticated(
                "facebook", 403, "hub.verify_token does not match META_VERIFY_TOKEN", request
            )
        return HttpResponse(challenge, content_type="text/plain")
    secret = credentials.secret("meta", "app_secret", required=False)
    if not secret:  # anyone may call: answered, counted, never written down
        return unauthenticated("facebook", 503, "META_APP_SECRET is not set: Meta webhooks are off", request)
    body = body_within_limit(request)
    if body is None:
        return _payload_too_large("facebook", request)
    header = request.headers.get(meta_api.SIGNATURE_HEADER)
    if not header:
        return unauthenticated("facebook", 401, f"{meta_api.SIGNATURE_HEADER} header is missing", request)
    if not meta_api.signature_valid(body, header, secret):
        return unauthenticated("facebook", 403, "signature does not match the body", request)
    try:
        payload = _parse(body)
        if not isinstance(payload, dict) or payload.get("object") not in ("page", "instagram"):
            raise ValueError("object must be page or instagram")
        times = [t for entry in payload.get("entry") or [] if (t := meta_api.entry_seconds(entry))]
        if _stale(times):
            # An old delivery sent again is a replay: refused like a forgery, never written down.
            reason = "stale delivery: its entries are older than WEBHOOK_MAX_AGE_S"
            return unauthenticated("facebook", 400, reason, request)
        mentions = meta_api.normalise(payload)
        removed = meta_api.removed_comments(payload)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return _refuse("facebook", 400, f"malformed Meta delivery: {exc.__class__.__name__}: {exc}")
    mentions += _instagram_lookups(payload)
    platform = "facebook" if payload["object"] == "page" else "instagram"
    return _store(platform, body, mentions, hook="meta", removed=removed, removed_platform="facebook")
