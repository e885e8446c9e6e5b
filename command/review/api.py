"""The review over the API: read it (staff), manage its action items and complete it (leads)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from command.review.selectors import review_context
from core.roles import IsCommsLead, IsStaffMember
from playbooks import review
from playbooks.models import ActionItem, Crisis, Phase, Scenario


class _ReadStaffWriteLead:
    """GET for every staff member; anything that changes the review for comms leads."""

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsStaffMember()]
        return [IsCommsLead()]


class ActionItemOut(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_label")
    owner_username = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    scenario_name = serializers.CharField(source="scenario.name", default=None)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "owner",
            "owner_username",
            "due_on",
            "scenario",
            "scenario_name",
            "done",
            "done_at",
            "created_at",
        ]

    def get_owner_username(self, item) -> str | None:
        return item.owner.get_username() if item.owner_id else None

    def get_done(self, item) -> bool:
        return item.done_at is not None


class ActionItemIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Username of the owner, if they have a login.",
    )
    owner_name = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="The owner's name when they have no login.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=Scenario.objects.all(), required=False, allow_null=True
    )


class ActionItemPatch(serializers.Serializer):
    done = serializers.BooleanField()


class MeetingOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)
    attendees = serializers.CharField()
    worked = serializers.CharField()
    did_not_work = serializers.CharField()
    differently = serializers.CharField()
    next_steps = serializers.CharField()


class HourOut(serializers.Serializer):
    hour = serializers.DateTimeField()
    count = serializers.IntegerField()


class TopMentionOut(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    author_handle = serializers.CharField()
    author_followers = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField()


class FiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_share = serializers.FloatField()
    reply_seconds_p50 = serializers.FloatField(allow_null=True)
    reply_seconds_p90 = serializers.FloatField(allow_null=True)
    sla_met_share = serializers.FloatField(allow_null=True)
    topics = serializers.DictField(child=serializers.IntegerField())
    volume_by_hour = HourOut(many=True)
    top_mentions = TopMentionOut(many=True)


class ChecklistTimingOut(serializers.Serializer):
    title = serializers.CharField()
    department = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(allow_null=True)
    late_minutes = serializers.IntegerField(
        allow_null=True, help_text="Positive when done after its due time."
    )


class MilestoneOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    description = serializers.CharField(help_text="What happened, in the request's language.")
    code = serializers.CharField(help_text="What happened as a code (blank for entries before codes).")
    params = serializers.DictField(help_text="The code's parameters.")
    actor = serializers.CharField(allow_null=True)


class ReviewOut(serializers.Serializer):
    crisis_id = serializers.IntegerField()
    title = serializers.CharField()
    is_drill = serializers.BooleanField()
    phase = serializers.ChoiceField(Phase.choices)
    status = serializers.ChoiceField(
        ["waiting", "open", "complete"], help_text="waiting: the crisis is not closed yet."
    )
    activated_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.CharField(allow_null=True)
    meetings = MeetingOut(many=True)
    action_items = ActionItemOut(many=True)
    figures = FiguresOut()
    checklist = ChecklistTimingOut(many=True)
    milestones = MilestoneOut(many=True)


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def review_body(crisis: Crisis, *, reader) -> dict:
    ctx = review_context(crisis, timezone.now(), reader=reader)
    rev, figures = ctx["review"], ctx["figures"]
    status_ = "complete" if crisis.phase == "reviewed" else ("open" if ctx["review_open"] else "waiting")
    return {
        "crisis_id": crisis.pk,
        "title": crisis.title,
        "is_drill": crisis.is_drill,
        "phase": crisis.phase,
        "status": status_,
        "activated_at": crisis.activated_at,
        "ended_at": crisis.ended_at,
        "completed_at": rev.completed_at if rev else None,
        "completed_by": _name(rev.completed_by) if rev else None,
        "meetings": [
            {
                "kind": m.kind.value,
                "label": str(m.kind.label),
                **{f: getattr(m.notes, f) for f in review.MEETING_FIELDS},
            }
            for m in ctx["meetings"]
        ],
        "action_items": list(ctx["action_items"]),
        "figures": {
            "total": figures.total,
            "answered": figures.answered,
            "answered_share": figures.answered_share,
            "reply_seconds_p50": figures.reply_seconds_p50,
            "reply_seconds_p90": figures.reply_seconds_p90,
            "sla_met_share": figures.sla_met_share,
            "topics": figures.topics,
            "volume_by_hour": [{"hour": h, "count": n} for h, n in figures.volume_by_hour],
            "top_mentions": figures.top_mentions,
        },
        "checklist": [
            {
                "title": t.task.title,
                "department": t.task.department_label,
                "due_at": t.task.due_at,
                "done_at": t.task.done_at,
                "done_by": _name(t.task.done_by),
                "late_minutes": t.late_minutes,
            }
            for t in ctx["timings"]
        ],
        "milestones": [
            {
                "at": e.at,
                "kind": e.kind,
                "description": e.text,
                "code": e.code,
                "params": e.params,
                "actor": e.who or None,
            }
            for e in ctx["milestones"]
        ],
    }


def _raise(exc: review.ReviewError):
    raise ValidationError({"detail": str(exc)})


class ReviewView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses=ReviewOut, summary="The post-crisis review of one crisis")
    def get(self, request: Request, crisis_id: int) -> Response:
        """Meetings, action items and the automatic timeline (figures, checklist timings, milestones)."""
        crisis = get_object_or_404(Crisis, pk=crisis_id)
        return Response(ReviewOut(review_body(crisis, reader=request.user)).data)


class CompleteReviewView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=None, responses={200: ReviewOut}, summary="Complete the review")
    def post(self, request: Request, crisis_id: int) -> Response:
        """Moves the crisis from `closed` to `reviewed`; 400 from any other phase or before both meetings."""
        get_object_or_404(Crisis, pk=crisis_id)
        try:
            crisis = review.complete_review(crisis_id=crisis_id, by=request.user)
        except review.ReviewError as exc:
            _raise(exc)
        return Response(ReviewOut(review_body(crisis, reader=request.user)).data)


class ActionItemListView(_ReadStaffWriteLead, APIView):
    @extend_schema(responses=ActionItemOut(many=True), summary="The review's action items")
    def get(self, request: Request, crisis_id: int) -> Response:
        crisis = get_object_or_404(Crisis, pk=crisis_id)
        items = ActionItem.objects.filter(review__crisis=crisis).select_related("owner", "scenario")
        return Response(ActionItemOut(items, many=True).data)

    @extend_schema(request=ActionItemIn, responses={201: ActionItemOut}, summary="Add an action item")
    def post(self, request: Request, crisis_id: int) -> Response:
        """Needs an owner (`owner` username or `owner_name`); only once the crisis is closed."""
        get_object_or_404(Crisis, pk=crisis_id)
        data = ActionItemIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = review.add_action_item(crisis_id=crisis_id, by=request.user, **data.validated_data)
        except review.ReviewError as exc:
            _raise(exc)
        return Response(ActionItemOut(item).data, status=status.HTTP_201_CREATED)


class ActionItemView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(
        request=ActionItemPatch, responses=ActionItemOut, summary="Mark an action item done or open"
    )
    def patch(self, request: Request, crisis_id: int, item_id: int) -> Response:
        data = ActionItemPatch(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = review.set_action_item_done(
                crisis_id=crisis_id, item_id=item_id, by=request.user, done=data.validated_data["done"]
            )
        except review.ReviewError as exc:
            _raise(exc)
        return Response(ActionItemOut(item).data)
