"""Liveness and readiness, answered before anything else runs (no host check, session or user).

GET /healthz: the process answers (liveness: restart it if not).
GET /readyz: 200 only when PostgreSQL, Redis and the migrations are ready, else 503 with what is
missing (readiness: send it no traffic yet). docker-compose's healthchecks and a load balancer
use them; `python manage.py readyz` runs the same checks for processes that serve no HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2
_migrated = False  # once the migrations are in, they stay in for this process's code


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        return f"postgresql: {type(exc).__name__}: {str(exc).strip()[:200]}"
    return None


def check_redis() -> str | None:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_S, socket_connect_timeout=CHECK_TIMEOUT_S
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError) as exc:
        return f"redis: {type(exc).__name__}: {str(exc).strip()[:200]}"
    return None


def check_migrations() -> str | None:
    global _migrated
    if _migrated:
        return None
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"migrations: cannot be read ({type(exc).__name__})"
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:5])
        return f"migrations: {len(plan)} not applied ({names})"
    _migrated = True
    return None


CHECKS: tuple[Callable[[], str | None], ...] = (check_database, check_redis, check_migrations)


def missing() -> list[str]:
    """What keeps this process from serving, in words an operator can act on; empty when ready."""
    problems = []
    for check in CHECKS:
        if check is check_migrations and problems and problems[0].startswith("postgresql"):
            continue  # no database, no migrations to read
        problem = check()
        if problem:
            problems.append(problem)
    return problems


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def readyz(request: HttpRequest) -> HttpResponse:
    problems = missing()
    if problems:
        logger.warning("not ready: %s", "; ".join(problems))
        response = JsonResponse({"ready": False, "missing": problems}, status=503)
        response["Retry-After"] = str(settings.UNAVAILABLE_RETRY_AFTER)
    else:
        response = JsonResponse({"ready": True, "missing": []})
    response["Cache-Control"] = "no-store"
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """First in MIDDLEWARE: probes come from the orchestrator by address, with whatever Host
    header it sends, so they answer before ALLOWED_HOSTS, sessions or authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
