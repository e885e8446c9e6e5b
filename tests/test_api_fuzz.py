"""A bounded API fuzzer run: schemathesis generates requests from /api/schema/ for every
operation, as the lead, an agent and an integration. No operation may answer 5xx, and
every response must match the schema. A small example budget keeps CI fast; raise
FUZZ_EXAMPLES locally for a longer run."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from core.roles import Role, grant
from crisiscenter.wsgi import application
from tests.factories import api_key

from .conftest import mention_item
from .triage.test_queue import load

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))


def _schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def test_the_served_schema_is_the_one_fuzzed(client):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert set(json.loads(response.content)["paths"]) == set(_schema()["paths"])


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application  # in process, on the test's own database connection and transaction
PERSONAS = {"lead": Role.LEAD, "agent": Role.AGENT, "integration": Role.INTEGRATION}


@pytest.fixture
def world(db, settings):
    """A little of everything, so that generated ids sometimes hit real rows; a token per
    persona (users without a password: hashing one costs more than the whole run)."""
    settings.ALLOWED_HOSTS = ["*"]
    load(*(mention_item(str(i)) for i in range(3)))
    tokens = {}
    for name, role in PERSONAS.items():
        user = get_user_model().objects.create(username=f"fuzz_{name}")
        grant(user, role)
        tokens[name] = api_key(user)
    # As Django's test client does: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


OPERATIONS = {operation.label: operation for operation in (r.ok() for r in schema.get_all_operations())}


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_operation_answers_5xx_or_off_schema(label, world):
    """Each operation as its own test; hypothesis drives the cases inside it (schemathesis's
    own pytest items do not get pytest-django's session database in pytest 9)."""

    @given(case=OPERATIONS[label].as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        for token in world.values():
            response = case.call(headers={"Authorization": f"Token {token}"})
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
            )

    fuzz()
