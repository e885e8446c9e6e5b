"""POST /webhooks/generic/: mentions from any listening tool, signed with a shared secret."""

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from social import health
from social.connectors import generic
from social.credentials import secret
from triage import ingest
from triage.inbound import webhooks

logger = logging.getLogger(__name__)


@csrf_exempt  # machine-to-machine: the HMAC signature is the authentication
@require_POST
def generic_webhook(request: HttpRequest) -> JsonResponse:
    shared = secret("generic", "webhook_secret", required=False)
    if not shared:
        return JsonResponse({"detail": "this webhook is not configured (GENERIC_WEBHOOK_SECRET)"}, status=503)
    body = webhooks.body_within_limit(request)
    if body is None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return webhooks.unauthenticated("generic", 413, f"the body is larger than {limit} bytes", request)
    try:
        delivery = generic.receive(body, request.headers.get(generic.HEADER), shared)
    except generic.SignatureError as exc:
        return webhooks.unauthenticated("generic", exc.status, exc.reason, request)
    except generic.DeliveryError as exc:
        logger.warning("generic webhook: malformed delivery: %s", exc.reason)
        health.record_error(generic.SOURCE, f"malformed delivery: {exc.reason}")
        body = {
            "detail": exc.reason,
            "items": {str(k): v for k, v in exc.problems.items()},
            "errors": ingest.problem_list(exc.problems),
        }
        return JsonResponse(body, status=400)
    if delivery.replay:
        return JsonResponse({"detail": "already received; nothing stored", "replay": True}, status=200)
    return JsonResponse({"batch": delivery.batch_id, "accepted": delivery.accepted}, status=202)
