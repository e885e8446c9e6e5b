"""POST /webhooks/generic/: mentions from any listening tool, signed with a shared secret."""

import json
import logging
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from social import health
from social.connectors import generic
from social.credentials import secret
from triage.ingest import IngestError, accept_batch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    batch_id: int | None
    accepted: int
    replay: bool


def receive(body: bytes, header: str | None, secret: str, *, now: float | None = None) -> Delivery:
    """Verify, parse and store one delivery (a JSON list of mentions in the API shape).
    Raises SignatureError or DeliveryError; stores nothing unless everything is right."""
    signed = generic.verify(header, body, secret, now=now)
    try:
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise generic.DeliveryError(f"the body is not JSON: {exc}") from exc
    if isinstance(items, dict) and isinstance(items.get("mentions"), list):
        items = items["mentions"]
    with transaction.atomic():
        if not generic.first_delivery(generic.SOURCE, signed):
            return Delivery(batch_id=None, accepted=0, replay=True)
        try:
            batch = accept_batch(items, source=generic.SOURCE)
        except IngestError as exc:
            raise generic.DeliveryError(exc.message, exc.problems) from exc
    health.record_events(generic.SOURCE, batch.item_count)
    return Delivery(batch_id=batch.pk, accepted=batch.item_count, replay=False)


@csrf_exempt  # machine-to-machine: the HMAC signature is the authentication
@require_POST
def generic_webhook(request: HttpRequest) -> JsonResponse:
    shared = secret("generic", "webhook_secret", required=False)
    if not shared:
        return JsonResponse({"detail": "this webhook is not configured (GENERIC_WEBHOOK_SECRET)"}, status=503)
    try:
        delivery = receive(request.body, request.headers.get(generic.HEADER), shared)
    except generic.SignatureError as exc:
        logger.warning("generic webhook refused from %s: %s", request.META.get("REMOTE_ADDR"), exc.reason)
        health.record_error(generic.SOURCE, f"refused delivery: {exc.reason}")
        return JsonResponse({"detail": exc.reason}, status=exc.status)
    except generic.DeliveryError as exc:
        logger.warning("generic webhook: malformed delivery: %s", exc.reason)
        health.record_error(generic.SOURCE, f"malformed delivery: {exc.reason}")
        body = {"detail": exc.reason, "items": {str(k): v for k, v in exc.problems.items()}}
        return JsonResponse(body, status=400)
    if delivery.replay:
        return JsonResponse({"detail": "already received; nothing stored", "replay": True}, status=200)
    return JsonResponse({"batch": delivery.batch_id, "accepted": delivery.accepted}, status=202)
