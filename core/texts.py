"""Messages stored as a code and parameters, rendered in the reader's language when shown.

An audit entry or an alert is written once and read by a lead in English and an agent in
Chinese: the row keeps `code` ("crisis.activated") and `params` ({"scenario": "Signal
failure"}), and whoever shows it calls `render`, under the reader's active language. Each app
declares its sentences in one module and registers them in its AppConfig.ready(), with the
formatters of the parameters that are codes themselves ("phase": "aftermath" reads
"aftermath" or "善后"). A row written before codes (no code, or one no longer registered) is
shown as its stored English prose.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise

_TEXTS: dict[str, Promise] = {}
_PARAMS: dict[str, Callable[[Any], str]] = {}


def register(texts: Mapping[str, Promise], params: Mapping[str, Callable[[Any], str]] | None = None) -> None:
    """Declare codes and their sentences (gettext_lazy, "{name}" fields), and parameter formatters."""
    _TEXTS.update(texts)
    _PARAMS.update(params or {})


def known(code: str) -> bool:
    return code in _TEXTS


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _param(key: str, value: Any) -> str:
    if key in _PARAMS and value not in (None, ""):
        try:
            return _PARAMS[key](value)
        except (ValueError, KeyError):
            return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


def render(code: str, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    """The message in the active language; the stored prose for a row without a known code."""
    if not code or code not in _TEXTS:
        return fallback or code
    values = {key: _param(key, value) for key, value in (params or {}).items()}
    try:
        return str(_TEXTS[code]).format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation naming a field the row does not carry must not break the page.
        return str(_TEXTS[code]).format_map(_Missing(values))


def render_in(lang: str, code: str, params: Mapping[str, Any] | None = None, fallback: str = "") -> str:
    with translation.override(lang):
        return render(code, params, fallback)


def english(code: str, params: Mapping[str, Any] | None = None) -> str:
    """What is stored beside the code: the English text, for logs, exports and old readers."""
    return render_in("en", code, params)


@dataclass(frozen=True)
class Coded:
    """A message to store: its code and parameters (plain JSON values)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def english(self) -> str:
        return english(self.code, self.params)

    def __str__(self) -> str:
        return render(self.code, self.params)


def coded(code: str, **params: Any) -> Coded:
    if code not in _TEXTS:
        raise KeyError(f"no text registered for {code!r}")
    return Coded(code, params)
