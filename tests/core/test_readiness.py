"""GET /healthz is liveness only; GET /readyz checks PostgreSQL, Redis and the migrations."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from core import health


@pytest.mark.django_db
def test_ready_when_database_redis_and_migrations_are(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"ready": True, "missing": []}
    assert response["Cache-Control"] == "no-store"
    call_command("readyz")


def test_liveness_needs_nothing_and_answers_any_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")  # not in ALLOWED_HOSTS
    assert response.status_code == 200 and response.json() == {"ok": True}


@pytest.mark.django_db
def test_redis_down_is_named_with_its_cause(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):
        response = client.get("/readyz", HTTP_HOST="10.0.0.7")
        with pytest.raises(CommandError, match="not ready: redis: ConnectionError"):
            call_command("readyz")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["missing"][0].startswith("redis: ConnectionError")


@pytest.mark.django_db
def test_unapplied_migrations_are_named(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)

    class Pending:
        app_label, name = "triage", "0099_reliability_example"

    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [(Pending(), False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["missing"] == ["migrations: 1 not applied (triage.0099_reliability_example)"]
