"""The drill preview cookie: what lets nginx send a signed-in staff member's /hub/ to Django.

During a drill the hub page staff see (the drill's) differs from the public one, so their /hub/
must reach Django; everybody else's is a file nginx serves. nginx used to send every request
carrying any `sessionid` cookie to Django, so anybody could skip its cache by sending one. Now
only this cookie does, and Django sets it only on a signed-in staff member's responses while a
drill's staff copy is published, and removes it otherwise (after the drill, on logging out).
Sending it by hand gains nothing: Django still answers from the session, never from the cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from core.roles import STAFF, has_role

from . import services

COOKIE = "hub_drill_preview"


def drill_copy_published() -> bool:
    return (settings.HUB_ROOT / services.STAFF / "index.html").exists()


class DrillPreviewCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        has_cookie = COOKIE in request.COOKIES
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not has_cookie:
            return response  # the public: no session, nothing to look up
        user = getattr(request, "user", None)
        try:
            wanted = (
                user is not None
                and user.is_authenticated
                and has_role(user, STAFF)
                and drill_copy_published()
            )
        except DatabaseError:
            return response  # the answer already says the database is down; decide next time
        if wanted and not has_cookie:
            response.set_cookie(
                COOKIE,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif has_cookie and not wanted:
            response.delete_cookie(COOKIE, samesite="Lax")
        return response
