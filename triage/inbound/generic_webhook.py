"""POST /webhooks/generic/: mentions from any listening tool, signed with a shared secret."""

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from social import health
from social.connectors import generic
from social.credentials import secret

logger = logging.getLogger(__name__)


@csrf_exempt  # machine-to-machine: the HMAC signature is the authentication
@require_POST
def generic_webhook(request: HttpRequest) -> JsonResponse:
    shared = secret("generic", "webhook_secret", required=False)
    if not shared:
        return JsonResponse({"detail": "this webhook is not configured (GENERIC_WEBHOOK_SECRET)"}, status=503)
    try:
        delivery = generic.receive(request.body, request.headers.get(generic.HEADER), shared)
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
