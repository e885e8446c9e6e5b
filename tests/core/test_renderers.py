"""The API's JSON (core.renderers): orjson's speed, DRF's bytes."""

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.renderers import FastJSONRenderer


def test_the_same_bytes_as_drf_for_everything_an_api_answer_holds():
    data = {
        "text": 'Trains stopped \u2028 at Köln 日本 "quoted" \\ \n',
        "numbers": [0, -1, 2**63 - 1, 0.1, -0.4404, 12345.678, True, False, None],
        "when": datetime(2026, 12, 3, 7, 0, 1, 250, tzinfo=UTC),
        "local": datetime(2026, 12, 3, 8, 0, tzinfo=UTC).astimezone(),
        "day": date(2026, 12, 3),
        "at": time(7, 30, 5, 120),
        "lazy": gettext_lazy("reach"),
        "money": Decimal("12.50"),
        "id": uuid.UUID(int=7),
        "nested": [{"a": [], "b": {}}],
    }
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_floats_with_an_exponent_are_the_same_numbers():
    data = {"sentiment": [1e-7, 5e-05, 1.5e300]}
    fast = FastJSONRenderer().render(data)
    assert fast == b'{"sentiment":[1e-7,0.00005,1.5e+300]}'  # DRF: 1e-07, 5e-05, 1.5e+300
    assert json.loads(fast) == json.loads(JSONRenderer().render(data))


def test_what_orjson_refuses_is_rendered_by_drf():
    for data in ({1: "int key"}, {"big": 2**70}, {"wait": timedelta(seconds=90)}):
        assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
