"""/api/v1/mentions/ and /api/v1/queue/: thin views over ingest, selectors and services."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import inputs
from core.pagination import BoundedLimitOffsetPagination
from core.roles import CanIngest, IsStaffMember
from triage import ingest, listing, services, tiers
from triage.models import Mention, MentionStatus, ReplyTemplate
from triage.selectors import QueryError, check_search, mention_payload, parse_bands

logger = logging.getLogger(__name__)
REPLY_LIMIT = 10_000


class AuthorSerializer(serializers.Serializer):
    handle = serializers.CharField()
    followers = serializers.IntegerField(min_value=0)
    name = serializers.CharField(required=False)
    verified = serializers.BooleanField(required=False)
    bio = serializers.CharField(required=False)


class MentionInSerializer(serializers.Serializer):
    """The contract of DESIGN.md; ingest.normalise() is what actually validates."""

    platform = serializers.CharField()
    external_id = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    author = AuthorSerializer()
    created_at = serializers.DateTimeField()
    url = serializers.URLField(required=False)
    lang = serializers.CharField(required=False)
    reshares = serializers.IntegerField(required=False, min_value=0)
    replies = serializers.IntegerField(required=False, min_value=0)
    quotes = serializers.IntegerField(required=False, min_value=0)
    in_reply_to = serializers.CharField(required=False)


class AuthorOutSerializer(AuthorSerializer):
    name = serializers.CharField(allow_blank=True)
    verified = serializers.BooleanField()
    bio = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()


class MentionOutSerializer(MentionInSerializer):
    author = AuthorOutSerializer()
    url = serializers.CharField(allow_blank=True, help_text="http(s), or empty")
    lang = serializers.CharField(allow_blank=True)
    in_reply_to = serializers.CharField(allow_blank=True)
    reshares = serializers.IntegerField(min_value=0)
    replies = serializers.IntegerField(min_value=0)
    quotes = serializers.IntegerField(min_value=0)
    queue_key = serializers.DateTimeField()
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    breakdown = serializers.ListField(child=serializers.DictField())
    band = serializers.IntegerField()
    band_label = serializers.CharField()
    topic = serializers.CharField()
    tier = serializers.CharField()
    status = serializers.CharField()
    claimed_by = serializers.CharField(allow_null=True)
    sla_due_at = serializers.DateTimeField()
    ingested_at = serializers.DateTimeField()
    sentiment = serializers.FloatField()
    tags = serializers.ListField(child=serializers.CharField(), required=False)


MentionPage = inline_serializer(
    "MentionPage",
    {
        "count": serializers.IntegerField(),
        "count_capped": serializers.BooleanField(
            help_text="true when more match than offset + limit + 200; count is then that number"
        ),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": MentionOutSerializer(many=True),
    },
)
BatchAccepted = inline_serializer(
    "BatchAccepted", {"batch": serializers.IntegerField(), "accepted": serializers.IntegerField()}
)
ReplyIn = inline_serializer(
    "ReplyIn",
    {
        "text": serializers.CharField(),
        "template": serializers.IntegerField(required=False),
        "variant": serializers.IntegerField(required=False, min_value=0),
    },
)


def _mention_or_404(pk: int) -> None:
    if not Mention.objects.filter(pk=pk).exists():
        raise NotFound(_("no such mention"))


def _act(action, pk: int, request: Request, **kwargs) -> Response:
    _mention_or_404(pk)
    try:
        result = action(mention_id=pk, agent=request.user, **kwargs)
    except services.QueueError as exc:
        return Response({"detail": str(exc)}, status=exc.status_code)
    except ValueError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(result, Mention):
        return Response(mention_payload(Mention.objects.select_related("claimed_by").get(pk=result.pk)))
    return Response({"reply": result.pk, "status": result.status, "mention": result.mention_id})


class QueuePagination(BoundedLimitOffsetPagination):
    """Counts at most COUNT_CAP rows past the page: an exact count of a tier's open queue
    visits every one of its rows (70 ms of PostgreSQL with 40,000 open of a million;
    docs/benchmarks.md), and the agent's page asks for its top 50 on every refresh. Past
    the cap, `count` is the cap and `count_capped` is true; `next` still works."""

    COUNT_CAP = 200

    def page_payloads(self, filters: listing.ListFilters, reach: tiers.Reach, request: Request) -> list[dict]:
        """The page's payloads and the capped count, in one statement (triage.listing)."""
        self.request = request
        self.limit, self.offset = self.get_limit(request), self.get_offset(request)
        self.cap = self.offset + self.limit + self.COUNT_CAP
        page = listing.page(filters, reach, limit=self.limit, offset=self.offset, count_cap=self.COUNT_CAP)
        self.count = page.count
        return page.payloads

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        capped = self.count > self.cap
        if capped:
            response.data["count"] = self.cap
        response.data["count_capped"] = capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when more match than offset + limit + 200; count is then that number",
        }
        return schema


class MentionListView(APIView):
    def get_permissions(self):
        return [CanIngest()] if self.request.method == "POST" else [IsStaffMember()]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", description="new, claimed, replied, resolved, dismissed, or open (default)"
            ),
            OpenApiParameter("band", description="1-4, or several separated by commas (1,2)"),
            OpenApiParameter("platform"),
            OpenApiParameter("topic"),
            OpenApiParameter("tier"),
            OpenApiParameter("tag"),
            OpenApiParameter("lang"),
            OpenApiParameter("mine", bool),
            OpenApiParameter(
                "q", description="text or handle, over the whole list; @jane searches handles only"
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
                description=f"page size, 1 to {settings.API_MAX_PAGE_SIZE} (more is a 400); default 50",
            ),
            OpenApiParameter("offset", {"type": "integer", "minimum": 0}),
        ],
        responses={200: MentionPage, 400: None},
    )
    def get(self, request: Request) -> Response:
        """Mentions ranked as the queue ranks them (score, raised by waiting time)."""
        params = request.query_params
        wanted = inputs.text_param(params, "status", limit=20) or "open"
        if wanted != "open" and wanted not in MentionStatus.values:
            raise inputs.BadInput(
                _("status must be open or one of %(s)s") % {"s": ", ".join(MentionStatus.values)}
            )
        try:
            band = inputs.text_param(params, "band", limit=20)
            q = check_search(inputs.text_param(params, "q", limit=200))
            filters = listing.ListFilters(
                status=wanted,
                bands=tuple(parse_bands(band)) if band else None,
                q=q,
                platform=inputs.text_param(params, "platform", limit=40),
                topic=inputs.text_param(params, "topic", limit=40),
                tier=inputs.text_param(params, "tier", limit=40),
                lang=inputs.text_param(params, "lang", limit=40),
                tag=inputs.text_param(params, "tag", limit=40).lower(),
                holder_id=request.user.pk if params.get("mine") in ("1", "true") else None,
            )
        except QueryError as exc:
            raise inputs.BadInput(str(exc)) from exc
        paginator = QueuePagination()
        return paginator.get_paginated_response(
            paginator.page_payloads(filters, tiers.reach(request.user), request)
        )

    @extend_schema(request=MentionInSerializer(many=True), responses={202: BatchAccepted})
    def post(self, request: Request) -> Response:
        """Accept a batch: stored at once, scored by a worker. All or nothing."""
        try:
            items = request.data
        except ParseError as exc:
            logger.info("batch from %s refused: malformed JSON: %s", request.user, exc.detail)
            return Response({"detail": f"malformed JSON: {exc.detail}"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            batch = ingest.accept_batch(items, source="api", submitted_by=request.user)
        except ingest.IngestError as exc:
            logger.info("batch from %s refused: %s", request.user, exc.message)
            body = {
                "detail": exc.message,
                "items": {str(k): v for k, v in exc.problems.items()},
                "errors": ingest.problem_list(exc.problems),
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response({"batch": batch.pk, "accepted": batch.item_count}, status=status.HTTP_202_ACCEPTED)


class MentionDetailView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses=MentionOutSerializer)
    def get(self, request: Request, pk: int) -> Response:
        mention = Mention.objects.select_related("claimed_by").filter(pk=pk).first()
        if mention is None:
            raise NotFound(_("no such mention"))
        if not tiers.can_work(request.user, mention):
            raise PermissionDenied(str(tiers.OutsideTier()))
        return Response(mention_payload(mention))


def _action_view(action, name: str, doc: str):
    class ActionView(APIView):
        permission_classes = [IsStaffMember]

        @extend_schema(
            request=None,
            responses={200: MentionOutSerializer, 409: None},
            operation_id=f"mention_{name}",
            description=doc,
        )
        def post(self, request: Request, pk: int) -> Response:
            return _act(action, pk, request)

    ActionView.__name__ = f"Mention{name.title()}View"
    return ActionView.as_view()


claim_view = _action_view(services.claim, "claim", "Claim for yourself; 409 if someone else holds it.")
release_view = _action_view(services.release, "release", "Put a mention you hold back in the queue.")
resolve_view = _action_view(services.resolve, "resolve", "Mark done.")
dismiss_view = _action_view(services.dismiss, "dismiss", "Consciously leave unanswered (spam, off-topic).")


class ReplyView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=ReplyIn, responses={200: None, 409: None})
    def post(self, request: Request, pk: int) -> Response:
        """Reply through the platform connector (sent by a worker)."""
        data = request.data if isinstance(request.data, dict) else {}
        text = inputs.text(data.get("text"), "text", limit=REPLY_LIMIT) if data.get("text") else ""
        if not text.strip():
            return Response({"detail": _("text is required")}, status=status.HTTP_400_BAD_REQUEST)
        template = None
        if data.get("template") not in (None, ""):
            template = ReplyTemplate.objects.filter(pk=inputs.integer(data["template"], "template")).first()
        variant = data.get("variant")
        variant = variant if isinstance(variant, int) and 0 <= variant < 2**15 and template else 0
        return _act(services.reply, pk, request, text=text, template=template, variant=variant)


class QueueNextView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=None, responses={200: MentionOutSerializer, 204: None})
    def post(self, request: Request) -> Response:
        """Claim the top unclaimed mention for your tier; 204 when the queue is empty."""
        mention = services.next_for(agent=request.user)
        if mention is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(mention_payload(mention))
