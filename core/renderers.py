"""The API's JSON renderer: DRF's, with orjson doing the encoding.

A queue page is 50 mentions, about 90 kB of JSON; DRF's renderer (the standard library's
encoder) took about 1 ms of it on the bench machine, orjson 0.05 ms (docs/benchmarks.md,
"Queue page"). The same JSON as DRF's compact output, byte for byte but for floats written with an
exponent (orjson 1e-7, DRF 1e-07: the same number). Dates and times, lazy translations, Decimals and
whatever else orjson does not write as DRF would go through DRF's encoder (`default`),
and data orjson refuses altogether (non-string keys, integers past 64 bits) is rendered
by DRF's renderer, as before.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

# DRF escapes these two for JavaScript (they end a line inside a <script>); so do we.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    _options = orjson.OPT_PASSTHROUGH_DATETIME  # DRF writes UTC as "Z", orjson as "+00:00"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None) -> bytes:
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(data, default=self.encoder_class().default, option=self._options)
        except TypeError:  # orjson.JSONEncodeError: DRF's renderer, and its own error if any
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in out:
                out = out.replace(raw, escaped)
        return out
