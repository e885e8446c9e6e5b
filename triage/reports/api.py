"""GET /api/v1/reports/ and /api/v1/reports/crisis/<id>/: the report pages' figures as JSON."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import IsStaffMember
from playbooks.models import Crisis
from triage.reports import figures as reports
from triage.reports.export import payload, visible_agents, visible_figures


class VolumePoint(serializers.Serializer):
    at = serializers.DateTimeField()
    mentions = serializers.IntegerField()


class PhasePoint(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["activated", "aftermath", "closed", "peak"])


class TopMention(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    author_handle = serializers.CharField()
    author_followers = serializers.IntegerField()
    author_kind = serializers.CharField()
    reshares = serializers.IntegerField()
    band = serializers.IntegerField()
    topic = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()
    text = serializers.CharField()


class AgentRow(serializers.Serializer):
    username = serializers.CharField()
    replied = serializers.IntegerField()
    resolved = serializers.IntegerField()
    reply_seconds_p50 = serializers.FloatField(allow_null=True)


class CrisisRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    """Documentation of the report JSON (built by report_export.payload)."""

    crisis = CrisisRef(allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField(help_text="Mentions with at least one reply not failed.")
    answered_share = serializers.FloatField()
    unanswered = serializers.IntegerField()
    resolved = serializers.IntegerField()
    dismissed = serializers.IntegerField()
    reply_seconds_p50 = serializers.FloatField(
        allow_null=True, help_text="First reply created_at minus mention ingested_at, median."
    )
    reply_seconds_p90 = serializers.FloatField(allow_null=True)
    reply_seconds_p99 = serializers.FloatField(allow_null=True)
    sla_met = serializers.IntegerField()
    sla_missed = serializers.IntegerField()
    sla_met_share = serializers.FloatField(allow_null=True, help_text="First reply before sla_due_at.")
    resolution = serializers.ChoiceField(choices=["hour", "day"], help_text="What the pages chart.")
    volume_by_hour = VolumePoint(many=True)
    volume_by_day = VolumePoint(many=True)
    phases = PhasePoint(many=True)
    topics = serializers.DictField(child=serializers.IntegerField())
    bands = serializers.DictField(child=serializers.IntegerField())
    platforms = serializers.DictField(child=serializers.IntegerField())
    tags = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    top_mentions = TopMention(many=True)
    agents = AgentRow(
        many=True,
        allow_null=True,
        help_text="Leads see every agent, an agent their own row, a volunteer null.",
    )


class PeriodReportView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", description="date or ISO 8601 date-time; default: 7 days before `to`"),
            OpenApiParameter("to", description="date (inclusive) or ISO 8601 date-time; default: now"),
        ],
        responses={200: ReportSerializer, 400: None},
    )
    def get(self, request: Request) -> Response:
        """Every mention ingested in the period, whatever crisis it belonged to."""
        try:
            params = request.query_params
            start, end = reports.parse_period(params.get("from"), params.get("to"))
        except reports.PeriodError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        fig = visible_figures(reports.period_figures(start, end), request.user)
        return Response(payload(fig, visible_agents(fig, request.user)))


class CrisisReportView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: ReportSerializer, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        """One crisis, from activation to the end of its aftermath, with its phases."""
        if not Crisis.objects.filter(pk=pk).exists():
            raise NotFound(gettext("no such crisis"))
        fig = visible_figures(reports.crisis_figures(pk), request.user)
        return Response(payload(fig, visible_agents(fig, request.user)))
