"""API tokens as an operator and an attacker meet them: stored hashed, shown once, expiring,
revocable, carried over from DRF's tokens, and guessed at no speed."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core import tokens
from core.auth import user_with_access
from core.models import ApiToken
from core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def call(key: str, path: str = "/api/v1/scenarios/", address: str = "127.0.0.1"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(path)


def test_only_the_hash_of_a_key_is_stored(integration):
    issued = tokens.issue(user=integration, name="ingest")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in str(ApiToken.objects.filter(pk=stored.pk).values().get())
    assert stored.prefix == issued.key[:6]


def test_issue_token_prints_a_new_key_that_works_and_rotate_revokes_the_old(lead):
    out = io.StringIO()
    call_command("issue_token", lead.username, stdout=out, stderr=io.StringIO())
    first = out.getvalue().strip()
    assert call(first).status_code == 200
    out = io.StringIO()
    call_command("issue_token", lead.username, "--rotate", "--name", "ci", stdout=out, stderr=io.StringIO())
    second = out.getvalue().strip()
    assert second != first
    assert call(first).status_code == 401 and call(second).status_code == 200
    assert ApiToken.objects.get(key_hash=tokens.hash_key(second)).name == "ci"


def test_issue_token_can_set_an_expiry(lead):
    out = io.StringIO()
    call_command("issue_token", lead.username, "--expires-days", "30", stdout=out, stderr=io.StringIO())
    token = ApiToken.objects.get(key_hash=tokens.hash_key(out.getvalue().strip()))
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)


def test_expired_and_revoked_tokens_are_refused(lead):
    expired = tokens.issue(user=lead, name="old", expires_at=timezone.now() - timedelta(seconds=1))
    assert call(expired.key).status_code == 401
    revoked = tokens.issue(user=lead, name="leaked")
    assert call(revoked.key).status_code == 200
    tokens.revoke(ApiToken.objects.filter(pk=revoked.token.pk))
    assert call(revoked.key).status_code == 401


def test_a_call_marks_the_token_used_in_the_same_single_query(lead, django_assert_num_queries):
    issued = tokens.issue(user=lead, name="dashboard")
    with django_assert_num_queries(1):
        user = user_with_access("token", issued.key)
    assert user == lead
    assert ApiToken.objects.get(pk=issued.token.pk).last_used is not None


def test_the_admin_shows_a_new_key_once_and_revokes(lead):
    admin = make_user("ada_admin", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    answer = client.post(
        "/admin/core/apitoken/add/", {"user": lead.pk, "name": "partner feed", "expires_at": ""}, follow=True
    )
    message = next(str(m) for m in answer.context["messages"])
    key = message.split("The new token is ", 1)[1].split(".", 1)[0]
    assert call(key).status_code == 200
    token = ApiToken.objects.get(name="partner feed")
    change = client.get(f"/admin/core/apitoken/{token.pk}/change/")
    assert key.encode() not in change.content and token.key_hash.encode() not in change.content
    client.post(
        "/admin/core/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]}, follow=True
    )
    assert call(key).status_code == 401


def test_wrong_tokens_from_one_address_are_throttled_with_retry_after(lead, settings):
    settings.API_TOKEN_FAILURES_PER_MINUTE = 3
    good = tokens.issue(user=lead, name="ok").key
    assert [call("x" * 40, address="203.0.113.5").status_code for _ in range(3)] == [401] * 3
    throttled = call(good, address="203.0.113.5")  # even a right key: no more guesses from here
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert call(good, address="203.0.113.6").status_code == 200


def test_the_api_is_throttled_per_user_with_retry_after(lead, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "read": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    key = tokens.issue(user=lead, name="ok").key
    assert [call(key).status_code for _ in range(3)] == [200] * 3
    throttled = call(key)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    other = tokens.issue(user=make_user("lou_lead", Role.LEAD), name="ok").key
    assert call(other).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_drf_tokens_are_carried_over_hashed_and_keep_working():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0001_profile")])
    user = make_user("lou_lead", Role.LEAD)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL,"
            " user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", ["a" * 40, user.pk])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "authtoken_token" not in connection.introspection.table_names()
    assert call("a" * 40).status_code == 200


def test_with_the_cache_down_the_api_still_answers(lead, settings):
    key = tokens.issue(user=lead, name="ok").key
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the counters (core.ratelimit) too
    assert call(key).status_code == 200
    assert call("x" * 40).status_code == 401
