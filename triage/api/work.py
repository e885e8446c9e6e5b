"""API for working the queue together: context, drafts, tags, notes, bulk, broadcast, stats, alerts."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import inputs
from core.roles import LEADS, IsCommsLead, IsStaffMember, has_role
from playbooks.selectors import active_crisis
from triage import replies, services, teamwork, tiers
from triage.alerts import recent_alerts
from triage.models import Mention, MentionStatus, ReplyTemplate, Tag
from triage.selectors import mention_context, mention_payload, queue_stats, with_tag_names

IdList = serializers.ListField(child=serializers.IntegerField(), max_length=teamwork.MAX_BULK)
BulkIn = inline_serializer(
    "BulkIn",
    {
        "ids": IdList,
        "action": serializers.ChoiceField(["tag", "untag", "resolve", "dismiss", "assign"]),
        "tags": serializers.ListField(child=serializers.CharField(), required=False),
        "assignee": serializers.CharField(required=False),
    },
)
BroadcastIn = inline_serializer("BroadcastIn", {"ids": IdList, "template": serializers.IntegerField()})
NoteIn = inline_serializer("NoteIn", {"body": serializers.CharField()})
TagIn = inline_serializer(
    "TagIn",
    {
        "add": serializers.ListField(child=serializers.CharField(), required=False),
        "remove": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def _mention(pk: int, user) -> Mention:
    """The mention, if it exists (404) and is of the caller's tier (403, triage.tiers)."""
    mention = next(iter(with_tag_names(Mention.objects.select_related("claimed_by").filter(pk=pk))), None)
    if mention is None:
        raise NotFound(gettext("no such mention"))
    if not tiers.can_work(user, mention):
        raise PermissionDenied(str(tiers.OutsideTier()))
    return mention


def _error(exc: Exception) -> Response:
    code = getattr(exc, "status_code", status.HTTP_400_BAD_REQUEST)
    return Response({"detail": str(exc)}, status=code)


def _ids(data) -> list[int]:
    ids = data.get("ids") if isinstance(data, dict) else None
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in ids)
    ):
        raise ValueError(gettext("ids must be a non-empty list of mention ids"))
    if len(ids) > teamwork.MAX_BULK:
        raise ValueError(gettext("at most %(count)d mentions at once") % {"count": teamwork.MAX_BULK})
    return ids


class MentionContextView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request, pk: int) -> Response:
        """The detail pane: author card, earlier mentions, thread, CRM link, notes, replies."""
        return Response(mention_context(_mention(pk, request.user), reader=request.user))


class TakeOverView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=None, responses={200: None, 403: None, 409: None})
    def post(self, request: Request, pk: int) -> Response:
        """An experienced agent takes a mention over from a volunteer."""
        _mention(pk, request.user)
        try:
            mention = services.take_over(mention_id=pk, agent=request.user)
        except services.QueueError as exc:
            return _error(exc)
        return Response(mention_payload(_mention(mention.pk, request.user)))


class NoteView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=NoteIn, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        """A note for the other agents on this mention."""
        _mention(pk, request.user)
        body = request.data.get("body") if isinstance(request.data, dict) else None
        body = inputs.text(body, "body", limit=teamwork.NOTE_LIMIT) if body is not None else ""
        try:
            note = teamwork.add_note(mention_id=pk, agent=request.user, body=body)
        except teamwork.QueueError as exc:
            return _error(exc)
        return Response({"id": note.pk, "body": note.body}, status=status.HTTP_201_CREATED)


class MentionTagView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=TagIn, responses={200: None})
    def post(self, request: Request, pk: int) -> Response:
        """Add or remove tags (a new name becomes a free tag)."""
        _mention(pk, request.user)
        data = request.data if isinstance(request.data, dict) else {}
        try:
            teamwork.tag(
                mention_ids=[pk],
                agent=request.user,
                add=inputs.string_list(data.get("add"), "add"),
                remove=inputs.string_list(data.get("remove"), "remove"),
            )
        except teamwork.QueueError as exc:
            return _error(exc)
        return Response(mention_payload(_mention(pk, request.user)))


class DraftView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request, pk: int) -> Response:
        """A template filled for this mention: ?template=ID[&variant=N]; the least used variant by default."""
        mention = _mention(pk, request.user)
        template_id = inputs.integer_param(request.query_params, "template")
        template = ReplyTemplate.objects.filter(pk=template_id).first() if template_id else None
        if template is None:
            return Response({"detail": "no such template"}, status=status.HTTP_400_BAD_REQUEST)
        raw = request.query_params.get("variant")
        variant = int(raw) if raw and raw.isdigit() and len(raw) < 6 else None
        try:
            drafted = replies.draft(template=template, mention=mention, variant=variant, agent=request.user)
        except services.QueueError as exc:
            return _error(exc)
        return Response(drafted.as_dict())


class SimilarView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request, pk: int) -> Response:
        """Unclaimed mentions like this one (same topic, overlapping words): a cluster to broadcast to."""
        similar = replies.similar_mentions(_mention(pk, request.user), agent=request.user)
        return Response({"ids": [m.pk for m in similar]})


class BulkView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=BulkIn, responses={200: None})
    def post(self, request: Request) -> Response:
        """tag / untag / resolve / dismiss / assign a selection; what could not be done is listed with why."""
        data = request.data if isinstance(request.data, dict) else {}
        action = data.get("action")
        try:
            ids = _ids(data)
            if action in ("tag", "untag"):
                names = inputs.string_list(data.get("tags"), "tags")
                key = "add" if action == "tag" else "remove"
                count = teamwork.tag(mention_ids=ids, agent=request.user, **{key: names})
                return Response({"done": count, "skipped": {}})
            if action in ("resolve", "dismiss"):
                wanted = MentionStatus.RESOLVED if action == "resolve" else MentionStatus.DISMISSED
                result = teamwork.bulk_close(mention_ids=ids, agent=request.user, status=wanted)
            elif action == "assign":
                result = teamwork.bulk_assign(
                    mention_ids=ids,
                    agent=request.user,
                    assignee_username=inputs.text(data.get("assignee") or "", "assignee", limit=150),
                )
            else:
                return Response(
                    {"detail": "action must be tag, untag, resolve, dismiss or assign"}, status=400
                )
        except (ValueError, teamwork.QueueError) as exc:
            return _error(exc)
        return Response({"done": len(result.done), "skipped": {str(k): v for k, v in result.skipped.items()}})


class BroadcastView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(request=BroadcastIn, responses={202: None})
    def post(self, request: Request) -> Response:
        """Reply to each selected mention from one template, personalised; sent by one task."""
        data = request.data if isinstance(request.data, dict) else {}
        template_id = inputs.integer(data.get("template"), "template") if data.get("template") else None
        template = ReplyTemplate.objects.filter(pk=template_id).first() if template_id else None
        if template is None:
            return Response({"detail": "no such template"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = replies.broadcast(mention_ids=_ids(data), agent=request.user, template=template)
        except (ValueError, services.QueueError) as exc:
            return _error(exc)
        body = {"replies": len(result.replies), "skipped": {str(k): v for k, v in result.skipped.items()}}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class TemplateListView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request) -> Response:
        """The reply templates you may use; ?lang=fr puts those written in French first, then the
        active scenario's."""

        crisis = active_crisis()
        lang = str(request.query_params.get("lang", ""))[:16].replace("\x00", "")
        templates = replies.templates_for(
            request.user, scenario_id=crisis.scenario_id if crisis else None, lang=lang
        )
        return Response(
            [
                {
                    "id": t.pk,
                    "name": t.name,
                    "tier": t.tier,
                    "variants": len(t.variants),
                    "scenario": t.scenario_id,
                    "language": t.language,
                }
                for t in templates
            ]
        )


class TagListView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request) -> Response:
        """The admin's tags, then free tags in use."""
        return Response([{"name": t.name, "curated": t.curated} for t in Tag.objects.all()[:200]])


class QueueStatsView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: None})
    def get(self, request: Request) -> Response:
        """Unanswered, P1, SLA breaches and the capacity panel (inflow, handled, time to clear, hands)."""
        return Response(
            queue_stats(reach=tiers.reach(request.user), with_alerts=has_role(request.user, LEADS))
        )


class AlertListView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(responses={200: None})
    def get(self, request: Request) -> Response:
        """SLA breach and spike alerts of the last hour."""
        return Response(recent_alerts(limit=20))
