"""Content-Security-Policy on every response Django makes.

No page runs inline script (templates load /static/ files only), so script-src is 'self'. Styles
allow 'unsafe-inline': the hub page and a few pages carry a <style> block and Django's admin
writes style attributes; an injected style cannot run code, and text is escaped anyway. A
response made to be framed elsewhere (the hub banner, xframe_options_exempt) may be framed by any
site; everything else by none.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: https:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(*, framable: bool = False, extra_connect: str = "") -> str:
    directives = dict(BASE)
    if framable:
        directives["frame-ancestors"] = "*"
    if extra_connect:
        directives["connect-src"] = f"'self' {extra_connect}"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _websocket_origin() -> str:
    """Websockets to our own host: 'self' covers ws(s):// in CSP level 3 browsers only."""
    scheme = "wss" if settings.PUBLIC_BASE_URL.startswith("https://") else "ws"
    host = settings.PUBLIC_BASE_URL.split("://", 1)[1].split("/", 1)[0]
    return f"{scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.page = policy(extra_connect=_websocket_origin())
        self.framable = policy(framable=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            framable = getattr(response, "xframe_options_exempt", False)
            response["Content-Security-Policy"] = self.framable if framable else self.page
        return response
