"""The one mapping from a score reason's code to the words a reader sees, in their language.

Scoring stores each reason as {"factor", "points", "code", "params"} (triage.scoring); this
module renders it with gettext when it is shown (the detail pane, the API), so a lead
reading in Chinese and an agent reading in English see the same breakdown in their own
words. Matched terms ("humo", "冒烟") are quoted as the post wrote them. Breakdowns stored
before reasons had codes carry English prose in "reason" and are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from .models import AuthorKind, Band, Topic

REASONS: dict[str, Any] = {
    "reach.influencer": _("{followers} followers: influencer"),
    "reach.followers": _("{followers} followers"),
    "reach.verified": _("verified account"),
    "author.watchlist": _("{kind}: on the watchlist"),
    "author.profile": _("{kind}: profile says “{term}”"),
    "amplification.reshares": _("{count} reshares"),
    "amplification.quotes": _("{count} quotes"),
    "amplification.replies": _("{count} replies"),
    "amplification.spreading": _("spreading fast: {per_minute} a minute"),
    "urgency.safety": _("safety: “{term}”"),
    "urgency.safety_floor": _("safety report: raised to {band}"),
    "urgency.question": _("asks a question"),
    "urgency.direct_mention": _("mentions our account directly"),
    "urgency.strongly_negative": _("strongly negative (sentiment {sentiment})"),
    "urgency.negative": _("negative (sentiment {sentiment})"),
    "topic.practical": _("practical question: {topic} (“{term}”)"),
    "topic.word": _("{topic}: “{term}”"),
    "topic.scenario_keyword": _("scenario keyword “{term}”"),
    "language.other": _("written in {lang}; the team answers in {team}"),
}
FACTORS: dict[str, Any] = {
    "reach": _("reach"),
    "author": _("author"),
    "amplification": _("amplification"),
    "urgency": _("urgency"),
    "topic": _("topic"),
    "language": _("language"),
}


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _param(key: str, value: Any) -> str:
    if key in ("followers", "count", "per_minute") and isinstance(value, int):
        return number_format(value, force_grouping=True)
    if key == "sentiment" and isinstance(value, (int, float)):
        return f"{value:+.2f}"
    if key == "kind" and value in AuthorKind.values:
        return str(AuthorKind(value).label).lower()
    if key == "topic" and value in Topic.values:
        return str(Topic(value).label).lower()
    if key == "band" and value in Band.values:
        return str(Band(value).label).split()[0]
    return str(value)


def render(item: Mapping[str, Any]) -> str:
    """One breakdown item's reason in the active language."""
    code = item.get("code")
    if code not in REASONS:
        return str(item.get("reason") or code or "")
    params = {k: _param(k, v) for k, v in (item.get("params") or {}).items()}
    try:
        return str(REASONS[code]).format(**params)
    except (KeyError, IndexError, ValueError):
        # A translation naming a field the code does not carry must not break the pane.
        with override("en"):
            return str(REASONS[code]).format_map(_Missing(params))


def explained(breakdown: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The breakdown with each item's reason (and factor's name) rendered for the reader."""
    language = get_language()
    out = []
    for item in breakdown or ():
        factor_label, reason = _labels(language, item)
        out.append({**item, "factor_label": factor_label, "reason": reason})
    return out


def explained_text(text: str | None, language: str | None = None) -> list[dict[str, Any]]:
    """explained() of a breakdown as PostgreSQL gives it (jsonb as text), kept per language:
    the top of the queue is read again by every agent's page all day, so parsing and
    rendering the same breakdowns again was most of a queue page's CPU. Callers must not
    change the list they get. `language` is the active one (get_language()), when the caller
    already knows it."""
    key = (language or get_language(), text)
    out = _explained_cache.get(key)
    if out is None:
        if len(_explained_cache) >= EXPLAINED_CACHE_SIZE:
            _explained_cache.clear()
        out = _explained_cache[key] = explained(json.loads(text) if text else [])
    return out


_explained_cache: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
EXPLAINED_CACHE_SIZE = 4096


def _labels(language: str | None, item: Mapping[str, Any]) -> tuple[str, str]:
    params = item.get("params") or {}
    try:
        # Each value with its type: 4800 and 4800.0 are equal keys but render differently.
        pairs = sorted(params.items()) if isinstance(params, Mapping) else params
        values = tuple((k, type(v), v) for k, v in pairs)
        key = (language, item.get("factor", ""), item.get("code"), item.get("reason"), values)
        hash(key)
    except (TypeError, ValueError):  # params not a flat mapping of values: rendered every time
        return _render_labels(item)
    return _cached_labels(key, item)


# Rendering runs gettext twice and number formatting per item: 6 items for each of the 50
# mentions of a queue page were half its CPU (docs/benchmarks.md, "Queue page"). The same
# codes and parameters recur all day, so the words are kept per language.
_label_cache: dict[tuple, tuple[str, str]] = {}
LABEL_CACHE_SIZE = 8192


def _cached_labels(key: tuple, item: Mapping[str, Any]) -> tuple[str, str]:
    labels = _label_cache.get(key)
    if labels is None:
        if len(_label_cache) >= LABEL_CACHE_SIZE:
            _label_cache.clear()
        labels = _label_cache[key] = _render_labels(item)
    return labels


def _render_labels(item: Mapping[str, Any]) -> tuple[str, str]:
    factor = str(item.get("factor", ""))
    return str(FACTORS.get(factor, factor)), render(item)
