from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import IsCommsLead

from . import services

UpdateIn = inline_serializer(
    "HubUpdateIn",
    {
        "body": serializers.CharField(help_text="Markdown"),
        "lang": serializers.CharField(
            required=False, help_text="Language code; the default language if omitted"
        ),
        "pin": serializers.BooleanField(required=False, help_text="Pin as the key message"),
    },
)
UpdateOut = inline_serializer(
    "HubUpdateOut",
    {
        "id": serializers.IntegerField(),
        "posted_at": serializers.DateTimeField(),
        "lang": serializers.CharField(),
        "pinned": serializers.BooleanField(),
        "html": serializers.CharField(),
    },
)


class HubUpdateView(APIView):
    permission_classes = [IsCommsLead]

    @extend_schema(request=UpdateIn, responses={201: UpdateOut})
    def post(self, request: Request) -> Response:
        """Post an update to the hub page (Markdown, sanitised on save)."""
        body = request.data.get("body") if isinstance(request.data, dict) else None
        if not isinstance(body, str):
            return Response(
                {"detail": "body is required (Markdown text)"}, status=status.HTTP_400_BAD_REQUEST
            )
        lang, pin = request.data.get("lang"), request.data.get("pin", False)
        if lang is not None and not isinstance(lang, str):
            return Response({"detail": "lang must be a language code"}, status=status.HTTP_400_BAD_REQUEST)
        pin = pin in (True, "true", "1", "on")
        try:
            update = services.post_update(body=body, by=request.user, lang=lang, pin=pin)
        except services.NoActiveCrisis as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except ValueError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "id": update.pk,
                "posted_at": update.posted_at,
                "lang": update.lang,
                "pinned": update.pinned,
                "html": update.body_html,
            },
            status=status.HTTP_201_CREATED,
        )
