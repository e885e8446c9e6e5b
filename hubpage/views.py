"""Serving the published files: one file read, no database, conditional GETs."""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from crisiscenter.roles import LEADS, STAFF, has_role, role_required

from . import services

PUBLIC_CACHE = "public, max-age=30, s-maxage=30, stale-while-revalidate=60, stale-if-error=86400"
CONTENT_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "feed.atom": "application/atom+xml; charset=utf-8",
    "hub.json": "application/json",
}


def _serve(request: HttpRequest, name: str) -> HttpResponse:
    audience = services.PUBLIC
    if has_role(request.user, STAFF) and (settings.HUB_ROOT / services.STAFF / name).exists():
        audience = services.STAFF
    path: Path = settings.HUB_ROOT / audience / name
    if not path.exists():
        services.publish()  # first request after a fresh install
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    cache = PUBLIC_CACHE if audience == services.PUBLIC else "private, no-store"
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES[name])
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(stat.st_mtime, usegmt=True)
    response["Cache-Control"] = cache
    if audience == services.STAFF:
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def hub_page(request: HttpRequest) -> HttpResponse:
    return _serve(request, "index.html")


@require_GET
def hub_feed(request: HttpRequest) -> HttpResponse:
    return _serve(request, "feed.atom")


@require_GET
def hub_json(request: HttpRequest) -> HttpResponse:
    return _serve(request, "hub.json")


@require_POST
@role_required(*LEADS)
def post_update(request: HttpRequest) -> HttpResponse:
    try:
        services.post_update(body=request.POST.get("body", ""), by=request.user)
    except (ValueError, services.NoActiveCrisis) as exc:
        messages.error(request, f"The update was not posted: {exc}.")
    else:
        messages.success(request, "Update posted to the hub page.")
    return redirect("crisis_room")
