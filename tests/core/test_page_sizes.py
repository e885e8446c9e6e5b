"""Page sizes: a client cannot ask for a million rows; the schema says how many it may."""

import pytest
from django.test import Client

from tests.conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("limit", ["1000000", "201", "0", "-5", "ten"])
def test_a_page_size_out_of_bounds_is_a_400_with_the_bound(agent, limit):
    answer = api_for(agent).get("/api/v1/mentions/", {"limit": limit})
    assert answer.status_code == 400
    assert "limit" in answer.json()["detail"]


def test_the_largest_page_is_served(agent, settings):
    answer = api_for(agent).get("/api/v1/mentions/", {"limit": settings.API_MAX_PAGE_SIZE})
    assert answer.status_code == 200


def test_a_negative_offset_is_a_400(agent):
    assert api_for(agent).get("/api/v1/mentions/", {"offset": "-1"}).status_code == 400


def test_the_schema_documents_the_bound(lead, settings):
    client = Client()
    client.force_login(lead)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/mentions/"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE}
