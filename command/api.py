from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from command import flows
from core.roles import IsCommsLead, IsStaffMember
from playbooks.models import Crisis, Phase, Scenario
from playbooks.selectors import active_crisis, active_crisis_id, crisis_state


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
        "phase": serializers.ChoiceField(Phase.choices, allow_null=True),
    },
)


class PhaseIn(serializers.Serializer):
    to = serializers.ChoiceField(Phase.choices)


PhaseOut = inline_serializer(
    "PhaseChangeOut",
    {
        "crisis_id": serializers.IntegerField(),
        "phase": serializers.ChoiceField(Phase.choices),
        "ended_at": serializers.DateTimeField(allow_null=True),
        "active": serializers.BooleanField(),
    },
)
ErrorOut = inline_serializer("PhaseError", {"detail": serializers.CharField()})


class ActivateIn(serializers.Serializer):
    scenario = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all())
    drill = serializers.BooleanField(default=False)
    broadcast = serializers.BooleanField(
        default=True, help_text="Publish the scenario's holding post on our own accounts (broadcast mode)."
    )
    call_roster = serializers.BooleanField(
        default=True, help_text="Call in the volunteer roster (each gets an 'on my way' link)."
    )


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
        result = flows.activate(
            scenario=data.validated_data["scenario"],
            by=request.user,
            drill=data.validated_data["drill"],
            broadcast=data.validated_data["broadcast"],
            call_roster=data.validated_data["call_roster"],
        )
        return Response(
            _state_body(), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class DeactivateView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=None, responses=CrisisStateOut)
    def post(self, request: Request) -> Response:
        flows.deactivate(by=request.user)
        return Response(_state_body())


class PhaseView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=PhaseIn, responses={200: PhaseOut, 404: ErrorOut, 409: ErrorOut})
    def post(self, request: Request, pk: int) -> Response:
        """Move a crisis on: active -> aftermath -> closed -> reviewed (closing ends crisis mode).

        409 when the move is not allowed from the crisis's current phase.
        """
        body = PhaseIn(data=request.data)
        body.is_valid(raise_exception=True)
        if not Crisis.objects.filter(pk=pk).exists():
            return Response({"detail": "No such crisis."}, status=status.HTTP_404_NOT_FOUND)
        crisis = flows.move_phase(crisis_id=pk, to=body.validated_data["to"], by=request.user)
        return Response(
            {
                "crisis_id": crisis.pk,
                "phase": crisis.phase,
                "ended_at": crisis.ended_at,
                "active": active_crisis_id() == crisis.pk,
            }
        )
