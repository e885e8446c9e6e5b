"""HTTP and websockets. In production nginx sends only /ws/ here; plain pages go to WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisiscenter.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from playbooks.chat.consumers import RoomConsumer  # noqa: E402
from playbooks.consumers import CrisisConsumer, StateConsumer  # noqa: E402
from triage.consumers import TriageConsumer  # noqa: E402

websocket_urls = [
    path("ws/state/", StateConsumer.as_asgi()),
    path("ws/crisis/<int:crisis_id>/", CrisisConsumer.as_asgi()),
    path("ws/triage/", TriageConsumer.as_asgi()),
    path("ws/rooms/<int:crisis_id>/<str:room>/", RoomConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urls))),
    }
)
