from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crisiscenter.roles import IsCommsLead, IsStaffMember

from . import services
from .models import Scenario
from .selectors import active_crisis, crisis_state


class ScenarioSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scenario
        fields = ["id", "name", "description"]


CrisisStateOut = inline_serializer(
    "CrisisState",
    {
        "active": serializers.BooleanField(),
        "mode": serializers.ChoiceField(["normal", "crisis", "drill"]),
        "crisis_id": serializers.IntegerField(allow_null=True),
        "title": serializers.CharField(),
        "activated_at": serializers.DateTimeField(allow_null=True),
    },
)


class ActivateIn(serializers.Serializer):
    scenario = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all())
    drill = serializers.BooleanField(default=False)


def _state_body() -> dict:
    state = crisis_state(active_crisis())
    return {"active": state["mode"] != "normal", **state}


class ScenarioListView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses=ScenarioSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ScenarioSerializer(Scenario.objects.all(), many=True).data)


class CrisisStateView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses=CrisisStateOut)
    def get(self, request: Request) -> Response:
        """Whether crisis mode is on, and which crisis."""
        return Response(_state_body())


class ActivateView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=ActivateIn, responses={201: CrisisStateOut, 200: CrisisStateOut})
    def post(self, request: Request) -> Response:
        """Flip the switch. 201 when this call activated, 200 when a crisis was already on."""
        data = ActivateIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.activate(
            scenario=data.validated_data["scenario"], by=request.user, drill=data.validated_data["drill"]
        )
        return Response(
            _state_body(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class DeactivateView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=None, responses=CrisisStateOut)
    def post(self, request: Request) -> Response:
        services.deactivate(by=request.user)
        return Response(_state_body())
