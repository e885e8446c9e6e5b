"""The API's JSON renderer: DRF's, with orjson doing the encoding.

A queue page is 50 mentions, about 90 kB of JSON; DRF's renderer (the standard library's
encoder) took about 1 ms of it on the bench machine, orjson 0.05 ms (docs/benchmarks.md,
"Queue page"). Same bytes as DRF's compact output for the data the API returns (plain
dicts, lists, strings, numbers); anything orjson does not take as it is (a lazy
translation, a Decimal, non-string keys) goes through DRF's encoder, as before.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

# DRF escapes these two for JavaScript (they end a line inside a <script>); so do we.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None) -> bytes:
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data)
        except TypeError:  # a type orjson does not know: DRF's encoder knows more of them
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in out:
                out = out.replace(raw, escaped)
        return out
